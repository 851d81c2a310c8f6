import type { App } from '@pos-fleet/platform/http'
import { viewCheck } from '@pos-fleet/platform/local-queue'
import { type RegionalDeps, apiScope, createRegionalApp } from '@pos-fleet/platform/regional-app'
import { topology } from '@pos-fleet/topology'
import { type RepositoriesOptions, repositories } from './plugins/repositories.js'
import { deltaRoutes } from './routes/deltas.js'

export type InventoryDeltaDeps = RegionalDeps & RepositoriesOptions

/** inventory-delta as a plain app: no ports, no signals — tests `inject` into it. */
export function buildApp(deps: InventoryDeltaDeps): App {
  const { deltas, deltaQueue, salesView, ...regional } = deps
  const { pendingDeltas, pendingSales } = topology.kafka.topics
  const app = createRegionalApp('inventory-delta', regional, {
    checks: () => ({
      ...(deltaQueue ? { [pendingDeltas]: viewCheck(deltaQueue.stats()) } : {}),
      ...(salesView ? { [pendingSales]: viewCheck(salesView.stats()) } : {}),
    }),
    openApi: {
      title: 'inventory-delta',
      description: 'Stock per store and SKU as a sum of deltas: adjustments by inventory managers, stock reads by terminals and managers.',
      version: '1.0.0',
    },
  })
  void app.register(repositories, { deltas, deltaQueue, salesView })
  void app.register(apiScope(deltaRoutes), { prefix: '/v1' })
  return app
}
