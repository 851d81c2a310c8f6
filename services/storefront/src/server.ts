import { main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { StorefrontEnv } from './config.js'
import { createSalesRepository } from './repositories/sales-repository.js'
import { createSaleQueue, startSaleReconciler } from './store-and-forward/sale-queue.js'

main(() =>
  startRegionalService(StorefrontEnv, async (deps) => {
    const log = deps.backgroundLog('store-and-forward')
    const queue = createSaleQueue(deps.kafka.client, deps.kafka.producer, deps.config.POS_REGION, log)
    await queue.startView()
    const reconciler = startSaleReconciler({
      kafka: deps.kafka.client,
      db: deps.db,
      sales: createSalesRepository(deps.db, deps.config.SESSION_WAIT_MS),
      breaker: deps.writePath,
      region: deps.config.POS_REGION,
      batchSize: deps.config.REPLAY_BATCH_SIZE,
      log,
    })
    return { app: buildApp({ ...deps, queue }), closers: [() => reconciler.stop(), () => queue.stop()] }
  }),
)
