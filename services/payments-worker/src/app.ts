import { sql } from 'drizzle-orm'
import type { FastifyServerOptions } from 'fastify'
import type { Static } from '@sinclair/typebox'
import type { Database } from '@pos-fleet/platform/db/client'
import { registerHealthRoutes } from '@pos-fleet/platform/health'
import { createHttpApp, type App } from '@pos-fleet/platform/http'
import { loggerOptions } from '@pos-fleet/platform/logger'
import { localRole, metricsRoute, probe } from '@pos-fleet/platform/standard-routes'
import type { PaymentsWorkerEnv } from './config.js'
import type { OutboxDrainer } from './worker/outbox-drainer.js'

export interface PaymentsWorkerDeps {
  config: Static<typeof PaymentsWorkerEnv>
  db: Database
  drainer: Pick<OutboxDrainer, 'lastError'>
  logger?: FastifyServerOptions['logger']
}

/** payments-worker's HTTP face: health, readiness and metrics; the work is the drainer. */
export function buildApp(deps: PaymentsWorkerDeps): App {
  const { config } = deps
  const app = createHttpApp({
    logger: deps.logger ?? loggerOptions('payments-worker', config.POS_REGION, config.LOG_LEVEL),
    openApi: { title: 'payments-worker', description: "The payments worker's operational endpoints: health, readiness, metrics.", version: '1.0.0', securitySchemes: false },
  })
  registerHealthRoutes(app, {
    region: config.POS_REGION,
    role: () => localRole(deps.db.read),
    replicationLagMs: () => 0,
    checks: async () => {
      const drainError = deps.drainer.lastError()
      return {
        writerDb: await probe(() => deps.db.write.execute(sql`SELECT 1`)),
        outboxDrain: drainError ? { ok: false, detail: drainError } : { ok: true },
      }
    },
  })
  void app.register(metricsRoute)
  return app
}
