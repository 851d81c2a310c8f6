/** `docker compose` on the repository's docker-compose.yml, as the pos-fleet project. */
import { join } from 'node:path'
import { type Options, execa } from 'execa'
import { repoRoot } from '../infra/paths.js'
import { COMPOSE_PROJECT } from './project-name.js'

export const composeFile = join(repoRoot, 'docker-compose.yml')

export interface ComposeRunOptions {
  /** PEM file the image builds trust besides their own roots (the `build_ca` build secret). */
  readonly buildCa?: string
  /** Variables docker-compose.yml reads (WAN_SCALE_PCT, POS_DURABILITY). */
  readonly env?: Readonly<Record<string, string>>
}

export function compose(args: readonly string[], o: ComposeRunOptions = {}) {
  const options: Options = {
    cwd: repoRoot,
    reject: false,
    env: { ...o.env, ...(o.buildCa ? { POS_BUILD_CA: o.buildCa } : {}) },
    all: true,
  }
  return execa('docker', ['compose', '--project-name', COMPOSE_PROJECT, '--file', composeFile, ...args], options)
}

export interface ContainerState {
  readonly service: string
  readonly name: string
  readonly state: string
  readonly health: string
  readonly exitCode: number
}

/** Every container of the project, running or not. */
export async function containers(): Promise<ContainerState[]> {
  const run = await compose(['ps', '--all', '--format', 'json'])
  if (run.exitCode !== 0) throw new Error(`docker compose ps failed: ${String(run.all ?? '').trim()}`)
  // One JSON object per line (Compose v2.21+).
  return String(run.stdout ?? '')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { Service: string; Name: string; State: string; Health: string; ExitCode: number })
    .map((c) => ({ service: c.Service, name: c.Name, state: c.State, health: c.Health, exitCode: c.ExitCode }))
}

/** Networks and volumes the engine still holds for the project. */
export async function leftovers(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const label = `label=com.docker.compose.project=${COMPOSE_PROJECT}`
  const list = async (args: string[]) => {
    const run = await execa('docker', [...args, '--filter', label, '--format', '{{.Name}}'], { reject: false })
    return String(run.stdout ?? '').split('\n').filter(Boolean)
  }
  const [c, n, v] = await Promise.all([list(['ps', '--all']), list(['network', 'ls']), list(['volume', 'ls'])])
  return { containers: c, networks: n, volumes: v }
}
