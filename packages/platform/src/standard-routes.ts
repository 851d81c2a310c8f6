import type { RegionId, RegionRole } from '@pos-fleet/topology'
import { sql } from 'drizzle-orm'
import type { Database } from './db/client.js'
import type { LagState } from './db/replication-lag.js'
import type { WritePathBreaker } from './db/write-path.js'
import { type Check, registerHealthRoutes } from './health.js'
import type { App } from './http.js'
import { serveMetrics } from './metrics.js'

async function probe(run: () => Promise<unknown>): Promise<Check> {
  try {
    await run()
    return { ok: true }
  } catch (err) {
    return { ok: false, detail: (err as Error).message }
  }
}

/**
 * /healthz, /readyz and /metrics for a regional service. Readiness needs the local
 * replica; the write path is reported but not required, because a region keeps
 * serving reads (and, later, store-and-forward sales) while its WAN link is down.
 */
export function registerRegionalOps(
  app: App,
  options: {
    region: RegionId
    role: RegionRole
    db: Database
    writePath: WritePathBreaker
    replicationLag: () => LagState
  },
): void {
  registerHealthRoutes(app, {
    region: options.region,
    role: options.role,
    replicationLagMs: () => options.replicationLag().replicationLagMs,
    checks: async () => {
      const wp = options.writePath.state()
      const lag = options.replicationLag()
      return {
        readReplica: await probe(() => options.db.read.execute(sql`SELECT 1`)),
        writePath: { ok: wp.up, critical: false, ...(wp.lastError ? { detail: wp.lastError } : {}) },
        replicationLag: {
          ok: lag.error === null && lag.replicationLagMs !== null,
          critical: false,
          detail: lag.error ?? `${lag.replicationLagMs ?? 'unknown'} ms`,
        },
      }
    },
  })
  app.get('/metrics', (request, reply) => {
    reply.hijack()
    serveMetrics(request.raw, reply.raw)
  })
}
