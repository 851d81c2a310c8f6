/** `pnpm --filter @pos-fleet/cdk8s compose`: writes docker-compose.yml and deploy/compose/generated/. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { repoRoot } from '../paths.js'
import { composeFiles } from './files.js'

for (const [path, content] of composeFiles()) {
  const file = join(repoRoot, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, content, { mode: path.endsWith('.sh') ? 0o755 : 0o644 })
  process.stdout.write(`wrote ${path}\n`)
}
