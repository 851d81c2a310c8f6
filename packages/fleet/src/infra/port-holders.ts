/**
 * Who holds a port on 127.0.0.1, in words an operator can act on: a process of the native fleet
 * (its registry), a container of a compose fleet (the Docker engine), or any other program (`ss`).
 * The native and the compose fleet publish the same ports, so each names the other this way.
 */
import { execa } from 'execa'
import { COMPOSE_PROJECT } from '../compose/project-name.js'

const LOOKUP_TIMEOUT_MS = 5_000

async function containerOn(port: number): Promise<{ name: string; project: string } | undefined> {
  const run = await execa('docker', ['ps', '--filter', `publish=${port}`, '--format', '{{.Names}}\t{{.Label "com.docker.compose.project"}}'], {
    reject: false,
    timeout: LOOKUP_TIMEOUT_MS,
  })
  if (run.exitCode !== 0 || !run.stdout.trim()) return undefined
  const [name = '', project = ''] = run.stdout.trim().split('\n')[0]!.split('\t')
  return { name, project }
}

async function listenerOn(port: number): Promise<string | undefined> {
  const run = await execa('ss', ['-Hltnp', `sport = :${port}`], { reject: false, timeout: LOOKUP_TIMEOUT_MS })
  const found = /users:\(\("([^"]+)",pid=(\d+)/.exec(run.stdout ?? '')
  return found ? `${found[1]} (pid ${found[2]})` : undefined
}

/** A native fleet process that is running, as the registry (processes.ts) records it. */
export interface RunningNative {
  readonly name: string
  readonly pid: number
  readonly ports: readonly number[]
}

/** `recordedBy`: who recorded `recorded` (the native fleet's registry, unless a caller keeps its own). */
export async function describePortHolder(port: number, recorded: readonly RunningNative[], recordedBy = 'the native fleet'): Promise<string> {
  const native = recorded.find((p) => p.ports.includes(port))
  if (native) return `${recordedBy} (${native.name}, pid ${native.pid}${recordedBy === 'the native fleet' ? '; stop it with `pnpm fleet down`' : ''})`
  const container = await containerOn(port)
  if (container?.project === COMPOSE_PROJECT) return `the compose fleet (container ${container.name}; stop it with \`pnpm fleet compose down\`)`
  if (container) return `container ${container.name}${container.project ? ` of compose project ${container.project}` : ''}`
  const listener = await listenerOn(port)
  return listener ?? 'another program'
}
