/**
 * The service launch plan: which service runs in which region, on which port, with which
 * environment. The native runner spawns these; compose turns each into a container.
 */
import type { Addressing } from './addressing.js'
import { databaseUrls } from './database.js'
import { kafkaBrokers } from './kafka.js'
import { PAYMENT_GATEWAY_PORT, type RegionId, type RegionSpec, regions } from './regions.js'

export type ServiceName = 'storefront' | 'inventory-delta' | 'payments-worker' | 'payment-gateway-sandbox'

export interface ServiceLaunch {
  /** Unique process (and container) name, e.g. storefront-eu-central-1 */
  readonly name: string
  readonly service: ServiceName
  /** Absent for the payment gateway, which lives outside the regions. */
  readonly region?: RegionId
  readonly port: number
  readonly env: Readonly<Record<string, string>>
  /** The path that answers 200 once the process can serve. */
  readonly readinessPath: '/readyz' | '/healthz'
}

export interface LaunchContext {
  readonly writer: RegionId
  readonly addressing: Addressing
  readonly logLevel: string
  /** Where the sandbox gateway keeps its ledger (a state dir natively, a volume in compose). */
  readonly gatewayLedgerPath: string
}

/**
 * Node's arguments for every service, run from its package folder: OpenTelemetry preloaded, then
 * the compiled server. The young generation is capped at 8 MB semi-spaces (V8's default on
 * 64-bit: 16 MB): under load V8 grew it to its maximum and kept it, a third of a busy service's
 * resident memory, for no measurable CPU saved (issue 17). The Helm chart runs the same.
 */
export const SERVICE_NODE_ARGS = ['--enable-source-maps', '--max-semi-space-size=8', '--import', '@pos-fleet/platform/telemetry', 'dist/server.js'] as const

function regionalLaunch(ctx: LaunchContext, r: RegionSpec, service: ServiceName, port: number, extra: Record<string, string> = {}): ServiceLaunch {
  const db = databaseUrls(r.id, ctx.writer, ctx.addressing)
  return {
    name: `${service}-${r.id}`,
    service,
    region: r.id,
    port,
    readinessPath: '/readyz',
    env: {
      POS_REGION: r.id,
      HOST: ctx.addressing.bindHost,
      PORT: String(port),
      DB_READ_URL: db.read,
      DB_WRITE_URL: db.write,
      LOG_LEVEL: ctx.logLevel,
      OTEL_SERVICE_NAME: service,
      // The region's own broker: the durable local queue for store-and-forward.
      KAFKA_BROKERS: kafkaBrokers(r.id, ctx.addressing).join(','),
      ...extra,
    },
  }
}

/** Every service process of the fleet: storefront and inventory-delta per region, the worker in the writer only. */
export function serviceLaunches(ctx: LaunchContext): ServiceLaunch[] {
  const launches: ServiceLaunch[] = [
    {
      name: 'payment-gateway-sandbox',
      service: 'payment-gateway-sandbox',
      port: PAYMENT_GATEWAY_PORT,
      readinessPath: '/healthz',
      env: {
        HOST: ctx.addressing.bindHost,
        PORT: String(PAYMENT_GATEWAY_PORT),
        GATEWAY_LEDGER_PATH: ctx.gatewayLedgerPath,
        LOG_LEVEL: ctx.logLevel,
        OTEL_SERVICE_NAME: 'payment-gateway-sandbox',
      },
    },
  ]
  for (const r of regions) {
    launches.push(regionalLaunch(ctx, r, 'storefront', r.ports.storefront), regionalLaunch(ctx, r, 'inventory-delta', r.ports.inventoryDelta))
    if (r.id === ctx.writer) {
      launches.push(regionalLaunch(ctx, r, 'payments-worker', r.ports.paymentsWorker, { GATEWAY_URL: `http://${ctx.addressing.gatewayHost}:${PAYMENT_GATEWAY_PORT}` }))
    }
  }
  return launches
}
