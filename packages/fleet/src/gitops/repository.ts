/**
 * What Argo CD syncs from: the repository's current commit (HEAD), pushed as branch `main` into
 * a local bare repository that the repo server clones over file:// — the chart as committed,
 * without uncommitted edits, exactly as a remote would serve it.
 */
import { mkdirSync } from 'node:fs'
import { execa } from 'execa'
import { repoRoot } from '../infra/paths.js'
import { gitopsPaths } from './paths.js'

export const TARGET_REVISION = 'main'

export interface ServedRepository {
  readonly url: string
  readonly commit: string
}

export async function serveCurrentCommit(git: string): Promise<ServedRepository> {
  const bare = gitopsPaths.gitRepository
  mkdirSync(bare, { recursive: true })
  await execa(git, ['init', '--quiet', '--bare', bare])
  const commit = (await execa(git, ['-C', repoRoot, 'rev-parse', 'HEAD'])).stdout.trim()
  await execa(git, ['-C', repoRoot, 'push', '--quiet', '--force', bare, `${commit}:refs/heads/${TARGET_REVISION}`])
  return { url: `file://${bare}`, commit }
}
