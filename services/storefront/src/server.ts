import { backgroundLogger, main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { StorefrontEnv } from './config.js'
import { createSaleQueue, startSaleReconciler } from './store-and-forward/sale-queue.js'

main(() =>
  startRegionalService(StorefrontEnv, async (deps) => {
    if (!deps.kafka) return buildApp(deps)
    const log = backgroundLogger(deps.config, 'store-and-forward')
    const queue = createSaleQueue(deps.kafka.client, deps.kafka.producer, log)
    await queue.startView()
    const reconciler = startSaleReconciler({
      kafka: deps.kafka.client,
      db: deps.db,
      breaker: deps.writePath,
      region: deps.config.POS_REGION,
      log,
    })
    return { app: buildApp({ ...deps, queue }), closers: [() => reconciler.stop(), () => queue.stop()] }
  }),
)
