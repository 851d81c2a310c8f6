import { type App } from '@pos-fleet/platform/http'
import { viewCheck } from '@pos-fleet/platform/local-queue'
import { type RegionalDeps, apiScope, createRegionalApp } from '@pos-fleet/platform/regional-app'
import { topology } from '@pos-fleet/topology'
import { type RepositoriesOptions, repositories } from './plugins/repositories.js'
import { catalogRoutes } from './routes/catalog.js'
import { salesRoutes } from './routes/sales.js'

export type StorefrontDeps = RegionalDeps & RepositoriesOptions

/** The storefront as a plain app: no ports, no signals — tests `inject` into it. */
export function buildApp(deps: StorefrontDeps): App {
  const { repositories: standIns, queue, ...regional } = deps
  const app = createRegionalApp('storefront', regional, {
    bodyLimit: 64 * 1024,
    openApi: {
      title: 'storefront',
      description: "The POS terminals' API: catalog, checkout and sale lookup in the terminal's own region.",
      version: '1.0.0',
    },
    ...(queue ? { checks: () => ({ [topology.kafka.topics.pendingSales]: viewCheck(queue.stats()) }) } : {}),
  })
  void app.register(repositories, { repositories: standIns, queue })
  void app.register(apiScope(catalogRoutes, salesRoutes), { prefix: '/v1' })
  return app
}
