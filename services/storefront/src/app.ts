import type { RegionalDeps } from '@pos-fleet/platform/regional-service'
import { createHttpApp, type App } from '@pos-fleet/platform/http'
import { loggerOptions } from '@pos-fleet/platform/logger'
import { registerRegionalOps } from '@pos-fleet/platform/standard-routes'
import type { Static } from '@sinclair/typebox'
import type { FastifyServerOptions } from 'fastify'
import type { StorefrontEnv } from './config.js'
import type { SaleQueue } from './store-and-forward/sale-queue.js'
import { createCatalogRepository } from './repositories/catalog-repository.js'
import { registerCatalogRoutes } from './routes/catalog.js'
import { registerSalesRoutes } from './routes/sales.js'
import { authenticateApiRoutes } from '@pos-fleet/platform/auth'

export type StorefrontDeps = RegionalDeps<Static<typeof StorefrontEnv>> & {
  logger?: FastifyServerOptions['logger']
  queue?: SaleQueue
}

/** The storefront as a plain app: no ports, no signals — tests `inject` into it. */
export function buildApp(deps: StorefrontDeps): App {
  const { config, db } = deps
  const app = createHttpApp({
    logger: deps.logger ?? loggerOptions('storefront', config.POS_REGION, config.LOG_LEVEL),
    bodyLimit: 64 * 1024,
  })
  registerRegionalOps(app, {
    region: config.POS_REGION,
    role: config.POS_ROLE,
    db,
    writePath: deps.writePath,
    replicationLag: deps.replicationLag,
  })
  authenticateApiRoutes(app, deps.authenticate)
  const catalog = createCatalogRepository(db.read)
  registerCatalogRoutes(app, catalog)
  registerSalesRoutes(app, {
    region: config.POS_REGION,
    db,
    catalog,
    sessionWaitMs: config.SESSION_WAIT_MS,
    writePath: deps.writePath,
    queue: deps.queue,
  })
  return app
}
