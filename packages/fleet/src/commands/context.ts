import type { Endpoints } from '../endpoints.js'

/** Where a command writes, so tests run commands in-process and read what they printed. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export interface CliContext extends CliIo {
  /** One line on stdout. */
  readonly log: (line: string) => void
  /** A command that completes but reports a failure (a FAIL verdict, a service not ready) sets 1. */
  exitCode: number
}

export function createContext(io: CliIo): CliContext {
  return { ...io, log: (line) => io.stdout(`${line}\n`), exitCode: 0 }
}

/**
 * The running fleet — native, or the compose fleet when endpoints.json says so — or a FleetError
 * (exit 2). Imported on use: fleet.ts pulls in the Kafka and
 * MariaDB clients, which `--help` and a bad flag have no need to load.
 */
export async function runningFleet(): Promise<Endpoints> {
  const { readComposeEndpoints } = await import('../compose/runtime.js')
  const compose = readComposeEndpoints()
  if (compose) {
    const { requireRunningComposeFleet } = await import('../compose/compose-fleet.js')
    return requireRunningComposeFleet(compose)
  }
  const { requireRunningFleet } = await import('../fleet.js')
  return requireRunningFleet()
}

/**
 * The running native fleet, for the commands that kill or re-point its processes by their native
 * addresses (failover, the failover drill): a compose fleet is refused with exit 2.
 */
export async function runningNativeFleet(command: string): Promise<Endpoints> {
  const endpoints = await runningFleet()
  const { isComposeFleet } = await import('../compose/runtime.js')
  if (isComposeFleet(endpoints)) {
    const { usageError } = await import('../errors.js')
    throw usageError(`${command} drives the native fleet only, and the running fleet is the compose fleet: \`pnpm fleet compose down\`, then \`pnpm fleet up --detach\``)
  }
  return endpoints
}
