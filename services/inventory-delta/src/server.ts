import { main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { InventoryDeltaEnv } from './config.js'
import { observeOversold } from './metrics/oversold.js'
import { createDeltasRepository } from './repositories/deltas-repository.js'
import { createDeltaQueue, createQueuedSalesView, startDeltaApplier } from './store-and-forward/delta-queue.js'

main(() =>
  startRegionalService(InventoryDeltaEnv, async (deps) => {
    const log = deps.backgroundLog('store-and-forward')
    const deltaQueue = createDeltaQueue(deps.kafka.client, deps.kafka.producer, deps.config.POS_REGION, log)
    const salesView = createQueuedSalesView(deps.kafka.client, deps.kafka.producer, deps.config.POS_REGION, log)
    await Promise.all([deltaQueue.startView(), salesView.startView()])
    const deltas = createDeltasRepository(deps.db, deps.config.SESSION_WAIT_MS, deps.reference)
    observeOversold(deltas, deps.backgroundLog('metrics'))
    const applier = startDeltaApplier({
      kafka: deps.kafka.client,
      db: deps.db,
      deltas,
      breaker: deps.writePath,
      region: deps.config.POS_REGION,
      batchSize: deps.config.REPLAY_BATCH_SIZE,
      log,
    })
    return {
      app: buildApp({ ...deps, deltas, deltaQueue, salesView }),
      closers: [() => applier.stop(), () => deltaQueue.stop(), () => salesView.stop()],
    }
  }),
)
