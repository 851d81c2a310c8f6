import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { RegionRole } from '@pos-fleet/topology'
import type { Db } from './db/client.js'
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

/**
 * The region's role, read from its own instance at run time: the writer's runs read_only=0,
 * a replica's read_only=1, and a switchover flips both. So no service is told who the writer
 * is (no POS_ROLE): `unknown` while the instance does not answer.
 */
export async function localRole(db: Db): Promise<RegionRole | 'unknown'> {
  try {
    const [rows] = (await db.execute(sql`SELECT @@global.read_only AS readOnly`)) as unknown as [Array<{ readOnly?: number | string }>]
    const readOnly = rows?.[0]?.readOnly
    if (readOnly === undefined || readOnly === null) return 'unknown'
    return Number(readOnly) === 1 ? 'reader' : 'writer'
  } catch {
    return 'unknown'
  }
}

/** Prometheus text from the process's meter provider. */
export async function metricsRoute(app: FastifyInstance): Promise<void> {
  const exposition = { schema: { type: 'string' } }
  const schema = {
    summary: 'Prometheus metrics of this process',
    tags: ['operations'],
    response: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': exposition } } },
  }
  app.get('/metrics', { schema }, (request, reply) => {
    reply.hijack()
    serveMetrics(request.raw, reply.raw)
  })
}

/**
 * The local replica's check. Down, it is always reported (ok: false, with the error); it
 * keeps the service ready only while the reference caches hold values read within the
 * staleness bound, so sales go on (stale-if-error.ts). A process that never read from its
 * replica, or whose values are too old, is not ready: it could only refuse.
 */
export async function replicaCheck(app: FastifyInstance): Promise<Check> {
  const check = await probe(() => app.db.read.execute(sql`SELECT 1`))
  if (check.ok) return check
  if (!app.staleIfError.canServeStale()) return check
  const { lastOkAt, maxStaleMs } = app.staleIfError.state()
  const age = Math.round((Date.now() - (lastOkAt ?? Date.now())) / 1000)
  return {
    ok: false,
    critical: false,
    detail: `${check.detail}; selling on reference data read ${age} s ago (served up to ${Math.round(maxStaleMs / 1000)} s old)`,
  }
}

/**
 * /healthz, /readyz and /metrics for a regional service. Readiness needs the local
 * replica (or reference data held from it, above); the write path is reported but not
 * required, because a region keeps serving reads (and store-and-forward sales) while its
 * WAN link is down. Liveness (/healthz) never looks at either: a dead replica is not
 * fixed by restarting the process, which would only lose the reference data it holds.
 */
export const regionalOps: FastifyPluginAsyncTypebox<{ checks?: (() => Record<string, Check>) | undefined }> = async (app, o) => {
  registerHealthRoutes(app as unknown as App, {
    region: app.config.POS_REGION,
    role: () => localRole(app.db.read),
    replicationLagMs: () => app.replicationLag().replicationLagMs,
    checks: async () => {
      const wp = app.writePath.state()
      const lag = app.replicationLag()
      return {
        readReplica: await replicaCheck(app),
        writePath: { ok: wp.up, critical: false, ...(wp.lastError ? { detail: wp.lastError } : {}) },
        replicationLag: {
          ok: lag.error === null && lag.replicationLagMs !== null,
          critical: false,
          detail: lag.error ?? `${lag.replicationLagMs ?? 'unknown'} ms`,
        },
        ...o.checks?.(),
      }
    },
  })
  await app.register(metricsRoute)
}
