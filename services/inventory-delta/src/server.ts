import { backgroundLogger, main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { InventoryDeltaEnv } from './config.js'
import { createDeltaQueue, createQueuedSalesView, startDeltaApplier } from './store-and-forward/delta-queue.js'

main(() =>
  startRegionalService(InventoryDeltaEnv, async (deps) => {
    if (!deps.kafka) return buildApp(deps)
    const log = backgroundLogger(deps.config, 'store-and-forward')
    const deltaQueue = createDeltaQueue(deps.kafka.client, deps.kafka.producer, log)
    const salesView = createQueuedSalesView(deps.kafka.client, deps.kafka.producer, log)
    await Promise.all([deltaQueue.startView(), salesView.startView()])
    const applier = startDeltaApplier({
      kafka: deps.kafka.client,
      db: deps.db,
      breaker: deps.writePath,
      region: deps.config.POS_REGION,
      log,
    })
    return {
      app: buildApp({ ...deps, deltaQueue, salesView }),
      closers: [() => applier.stop(), () => deltaQueue.stop(), () => salesView.stop()],
    }
  }),
)
