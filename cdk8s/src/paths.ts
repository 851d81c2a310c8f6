import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const argocdDir = join(repoRoot, 'argocd')
export const chartDir = join(repoRoot, 'charts', 'pos-fleet')
export const composeFile = join(repoRoot, 'docker-compose.yml')
export const composeDir = join(repoRoot, 'deploy', 'compose')
