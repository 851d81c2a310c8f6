import { join } from 'node:path'
import { type RegionId, type RegionSpec, regions, roleOf, topology } from '@pos-fleet/topology'
import { repoRoot, stateDir } from './infra/paths.js'
import { type RunningProcess, listProcesses, startProcess, untilReady, waitForHttp } from './infra/processes.js'

export type ServiceName = 'storefront' | 'inventory-delta' | 'payments-worker' | 'payment-gateway-sandbox'

export interface ServiceLaunch {
  /** Unique process name, e.g. storefront-eu-central-1 */
  name: string
  service: ServiceName
  port: number
  env: Record<string, string>
}

export interface LaunchContext {
  writer: RegionId
  dbUrls: (region: RegionId) => { read: string; write: string }
  logLevel: string
}

const GATEWAY_URL = `http://127.0.0.1:${topology.paymentGateway.port}`

function regionalEnv(ctx: LaunchContext, r: RegionSpec, service: ServiceName, port: number): Record<string, string> {
  const db = ctx.dbUrls(r.id)
  return {
    POS_REGION: r.id,
    POS_ROLE: roleOf(r.id, ctx.writer),
    PORT: String(port),
    DB_READ_URL: db.read,
    DB_WRITE_URL: db.write,
    LOG_LEVEL: ctx.logLevel,
    OTEL_SERVICE_NAME: service,
    // The region's own broker: the durable local queue for store-and-forward.
    KAFKA_BROKERS: `127.0.0.1:${r.ports.kafka}`,
  }
}

/** Every service process of the fleet: storefront and inventory-delta per region, the worker in the writer only. */
export function fleetServices(ctx: LaunchContext): ServiceLaunch[] {
  const launches: ServiceLaunch[] = [
    {
      name: 'payment-gateway-sandbox',
      service: 'payment-gateway-sandbox',
      port: topology.paymentGateway.port,
      env: {
        PORT: String(topology.paymentGateway.port),
        GATEWAY_LEDGER_PATH: join(stateDir, 'payment-gateway', 'ledger.jsonl'),
        LOG_LEVEL: ctx.logLevel,
        OTEL_SERVICE_NAME: 'payment-gateway-sandbox',
      },
    },
  ]
  for (const r of regions) {
    launches.push(
      { name: `storefront-${r.id}`, service: 'storefront', port: r.ports.storefront, env: regionalEnv(ctx, r, 'storefront', r.ports.storefront) },
      {
        name: `inventory-delta-${r.id}`,
        service: 'inventory-delta',
        port: r.ports.inventoryDelta,
        env: regionalEnv(ctx, r, 'inventory-delta', r.ports.inventoryDelta),
      },
    )
    if (r.id === ctx.writer) launches.push(paymentsWorkerLaunch(ctx, r))
  }
  return launches
}

export function paymentsWorkerLaunch(ctx: LaunchContext, r: RegionSpec): ServiceLaunch {
  return {
    name: `payments-worker-${r.id}`,
    service: 'payments-worker',
    port: r.ports.paymentsWorker,
    env: {
      ...regionalEnv(ctx, r, 'payments-worker', r.ports.paymentsWorker),
      GATEWAY_URL,
    },
  }
}

/**
 * Starts one service from its compiled entry with OpenTelemetry preloaded, and waits
 * for its readiness (or its exit, with the log's tail in the error).
 */
export async function startService(launch: ServiceLaunch, timeoutMs = 30_000): Promise<RunningProcess> {
  const passthrough = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_') || k === 'PATH' || k === 'HOME' || k === 'NODE_OPTIONS'),
  ) as Record<string, string>
  const proc = await startProcess({
    name: launch.name,
    command: process.execPath,
    args: ['--enable-source-maps', '--import', '@pos-fleet/platform/telemetry', 'dist/server.js'],
    cwd: join(repoRoot, 'services', launch.service),
    env: { ...passthrough, NODE_ENV: 'production', ...launch.env },
    ports: [launch.port],
  })
  const health = launch.service === 'payment-gateway-sandbox' ? 'healthz' : 'readyz'
  await untilReady(proc, (signal) => waitForHttp(`http://127.0.0.1:${launch.port}/${health}`, timeoutMs, signal))
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
