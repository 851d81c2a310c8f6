/** `pnpm --filter @pos-fleet/cdk8s synth`: writes argocd/*.yaml (deterministic: no timestamps, no hashes). */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from './app.js'
import { argocdDir } from './paths.js'

// argocd/ holds synthesized YAML only: drop the previous output so a renamed chart leaves no stale file.
mkdirSync(argocdDir, { recursive: true })
for (const file of readdirSync(argocdDir)) if (file.endsWith('.yaml')) rmSync(join(argocdDir, file))
buildApp(argocdDir).synth()
process.stdout.write(`synthesized into ${argocdDir}\n`)
