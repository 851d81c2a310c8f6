import { sql } from 'drizzle-orm'
import type { FastifyServerOptions } from 'fastify'
import type { Static } from '@sinclair/typebox'
import type { Database } from '@pos-fleet/platform/db/client'
import { registerHealthRoutes } from '@pos-fleet/platform/health'
import { createHttpApp, type App } from '@pos-fleet/platform/http'
import { serveMetrics } from '@pos-fleet/platform/metrics'
import type { PaymentsWorkerEnv } from './config.js'
import type { OutboxDrainer } from './worker/outbox-drainer.js'

export interface PaymentsWorkerDeps {
  config: Static<typeof PaymentsWorkerEnv>
  db: Database
  drainer: Pick<OutboxDrainer, 'lastError'>
  logger: FastifyServerOptions['logger']
}

/** payments-worker's HTTP face: health, readiness and metrics; the work is the drainer. */
export function buildApp(deps: PaymentsWorkerDeps): App {
  const app = createHttpApp({ logger: deps.logger })
  registerHealthRoutes(app, {
    region: deps.config.POS_REGION,
    role: deps.config.POS_ROLE,
    replicationLagMs: () => 0,
    checks: async () => {
      let writer = { ok: true } as { ok: boolean; detail?: string }
      try {
        await deps.db.write.execute(sql`SELECT 1`)
      } catch (err) {
        writer = { ok: false, detail: (err as Error).message }
      }
      const drainError = deps.drainer.lastError()
      return { writerDb: writer, outboxDrain: drainError ? { ok: false, detail: drainError } : { ok: true } }
    },
  })
  app.get('/metrics', (request, reply) => {
    reply.hijack()
    serveMetrics(request.raw, reply.raw)
  })
  return app
}
