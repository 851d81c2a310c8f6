import { join } from 'node:path'
import { type RegionId, type RegionSpec, loopbackAddressing } from '@pos-fleet/topology'
import { SERVICE_NODE_ARGS, type ServiceLaunch, serviceLaunches } from '@pos-fleet/topology/services'
import { repoRoot, stateDir } from './infra/paths.js'
import { type RunningProcess, listProcesses, startProcess, untilReady, waitForHttp } from './infra/processes.js'
import { observabilityEnv } from './observe/stack.js'

export type { ServiceLaunch, ServiceName } from '@pos-fleet/topology/services'

export interface LaunchContext {
  writer: RegionId
  logLevel: string
}

/** The spec's service launches as the native runner addresses them (loopback, state under .pos-fleet). */
export function fleetServices(ctx: LaunchContext): ServiceLaunch[] {
  return serviceLaunches({ ...ctx, addressing: loopbackAddressing, gatewayLedgerPath: join(stateDir, 'payment-gateway', 'ledger.jsonl') })
}

export function paymentsWorkerLaunch(ctx: LaunchContext, r: RegionSpec): ServiceLaunch {
  const launch = fleetServices(ctx).find((l) => l.service === 'payments-worker' && l.region === r.id)
  if (!launch) throw new Error(`payments-worker runs in the writer only, not in ${r.id}`)
  return launch
}

/**
 * Starts one service from its compiled entry with OpenTelemetry preloaded, and waits
 * for its readiness (or its exit, with the log's tail in the error). While the fleet's
 * Jaeger runs (`fleet up --observe`), the service sends it its spans.
 */
export async function startService(launch: ServiceLaunch, timeoutMs = 30_000): Promise<RunningProcess> {
  const passthrough = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_') || k === 'PATH' || k === 'HOME' || k === 'NODE_OPTIONS'),
  ) as Record<string, string>
  const proc = await startProcess({
    name: launch.name,
    command: process.execPath,
    args: [...SERVICE_NODE_ARGS],
    cwd: join(repoRoot, 'services', launch.service),
    env: { ...passthrough, NODE_ENV: 'production', ...observabilityEnv(), ...launch.env },
    ports: [launch.port],
  })
  await untilReady(proc, (signal) => waitForHttp(`http://127.0.0.1:${launch.port}${launch.readinessPath}`, timeoutMs, signal))
  return proc
}

/** Sends a signal to a tracked process's group (SIGKILL for crash drills). */
export function signalService(name: string, signal: NodeJS.Signals): boolean {
  const tracked = listProcesses().find((p) => p.name === name)
  if (!tracked) return false
  try {
    process.kill(-tracked.pgid, signal)
    return true
  } catch {
    return false
  }
}
