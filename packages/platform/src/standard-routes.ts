import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { type Check, registerHealthRoutes } from './health.js'
import type { App } from './http.js'
import { serveMetrics } from './metrics.js'

export async function probe(run: () => Promise<unknown>): Promise<Check> {
  try {
    await run()
    return { ok: true }
  } catch (err) {
    return { ok: false, detail: (err as Error).message }
  }
}

/** Prometheus text from the process's meter provider. */
export async function metricsRoute(app: FastifyInstance): Promise<void> {
  app.get('/metrics', (request, reply) => {
    reply.hijack()
    serveMetrics(request.raw, reply.raw)
  })
}

/**
 * /healthz, /readyz and /metrics for a regional service. Readiness needs the local
 * replica; the write path is reported but not required, because a region keeps
 * serving reads (and store-and-forward sales) while its WAN link is down.
 */
export const regionalOps: FastifyPluginAsyncTypebox = async (app) => {
  registerHealthRoutes(app as unknown as App, {
    region: app.config.POS_REGION,
    role: app.config.POS_ROLE,
    replicationLagMs: () => app.replicationLag().replicationLagMs,
    checks: async () => {
      const wp = app.writePath.state()
      const lag = app.replicationLag()
      return {
        readReplica: await probe(() => app.db.read.execute(sql`SELECT 1`)),
        writePath: { ok: wp.up, critical: false, ...(wp.lastError ? { detail: wp.lastError } : {}) },
        replicationLag: {
          ok: lag.error === null && lag.replicationLagMs !== null,
          critical: false,
          detail: lag.error ?? `${lag.replicationLagMs ?? 'unknown'} ms`,
        },
      }
    },
  })
  await app.register(metricsRoute)
}
