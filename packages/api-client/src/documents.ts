import { buildApp as buildInventoryDelta } from '@pos-fleet/inventory-delta/app'
import { buildApp as buildGateway } from '@pos-fleet/payment-gateway-sandbox/app'
import type { Ledger } from '@pos-fleet/payment-gateway-sandbox/ledger'
import { buildApp as buildPaymentsWorker } from '@pos-fleet/payments-worker/app'
import type { App } from '@pos-fleet/platform/http'
import { TEST_CONFIG, probeOnlyDatabase, regionalDeps } from '@pos-fleet/platform/test-doubles'
import { buildApp as buildStorefront } from '@pos-fleet/storefront/app'

/**
 * Every HTTP service's OpenAPI document, generated in-process: each app is built by its own
 * buildApp with stand-ins for what is external (no database, broker or port), and asked for
 * GET /openapi.json — the same route the running service answers.
 */

export const SERVICES = ['storefront', 'inventory-delta', 'payment-gateway-sandbox', 'payments-worker'] as const
export type ServiceName = (typeof SERVICES)[number]

/** A stand-in that no document generation may call: building the document touches no data. */
function unused<T>(what: string): T {
  // fastify's decorate() probes `getter`/`setter`; anything else is a use.
  return new Proxy({}, {
    get: (_t, prop) => {
      if (prop === 'getter' || prop === 'setter' || typeof prop === 'symbol') return undefined
      throw new Error(`generating the OpenAPI document touched ${what}.${String(prop)}`)
    },
  }) as T
}

const builders: Record<ServiceName, () => App> = {
  storefront: () => buildStorefront({ ...regionalDeps({}), repositories: { catalog: unused('catalog'), sales: unused('sales') } }),
  'inventory-delta': () => buildInventoryDelta({ ...regionalDeps({}), deltas: unused('deltas') }),
  'payment-gateway-sandbox': () => buildGateway({ ledger: unused<Ledger>('ledger'), latencyMs: 0, failureRate: 0, logger: false }),
  'payments-worker': () =>
    buildPaymentsWorker({
      config: { ...TEST_CONFIG, GATEWAY_URL: 'http://127.0.0.1:1', GATEWAY_TIMEOUT_MS: 5_000, DRAIN_INTERVAL_MS: 200, DRAIN_BATCH_SIZE: 20, DRAIN_CONCURRENCY: 1 },
      db: probeOnlyDatabase(),
      drainer: { lastError: () => null },
      logger: false,
    }),
}

export async function openApiDocument(service: ServiceName): Promise<Record<string, unknown>> {
  const app = builders[service]()
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    if (res.statusCode !== 200) throw new Error(`${service}: GET /openapi.json answered ${res.statusCode}`)
    return res.json()
  } finally {
    await app.close()
  }
}

/** The committed form: two-space JSON with a final newline, so a diff reads line by line. */
export function documentText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}
