import { authenticateApiRoutes } from '@pos-fleet/platform/auth'
import { createHttpApp, type App } from '@pos-fleet/platform/http'
import { loggerOptions } from '@pos-fleet/platform/logger'
import type { RegionalDeps } from '@pos-fleet/platform/regional-service'
import { registerRegionalOps } from '@pos-fleet/platform/standard-routes'
import type { Static } from '@sinclair/typebox'
import type { FastifyServerOptions } from 'fastify'
import type { InventoryDeltaEnv } from './config.js'
import { registerDeltaRoutes } from './routes/deltas.js'
import type { DeltaQueue, QueuedSalesView } from './store-and-forward/delta-queue.js'

export type InventoryDeltaDeps = RegionalDeps<Static<typeof InventoryDeltaEnv>> & {
  logger?: FastifyServerOptions['logger']
  deltaQueue?: DeltaQueue
  salesView?: QueuedSalesView
}

export function buildApp(deps: InventoryDeltaDeps): App {
  const { config, db } = deps
  const app = createHttpApp({ logger: deps.logger ?? loggerOptions('inventory-delta', config.POS_REGION, config.LOG_LEVEL) })
  registerRegionalOps(app, {
    region: config.POS_REGION,
    role: config.POS_ROLE,
    db,
    writePath: deps.writePath,
    replicationLag: deps.replicationLag,
  })
  authenticateApiRoutes(app, deps.authenticate)
  registerDeltaRoutes(app, {
    region: config.POS_REGION,
    db,
    sessionWaitMs: config.SESSION_WAIT_MS,
    replicationLag: deps.replicationLag,
    writePath: deps.writePath,
    deltaQueue: deps.deltaQueue,
    salesView: deps.salesView,
  })
  return app
}
