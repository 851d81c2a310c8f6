import { main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { topology } from '@pos-fleet/topology'
import { buildApp } from './app.js'
import { PaymentsWorkerEnv } from './config.js'
import { createSandboxGateway } from './gateway/sandbox-gateway.js'
import { createOutboxDrainer } from './worker/outbox-drainer.js'
import { observeOutbox } from './worker/outbox-metrics.js'

main(() =>
  startRegionalService(PaymentsWorkerEnv, ({ config, db, kafka, backgroundLog }) => {
    const drainer = createOutboxDrainer({
      db,
      gateway: createSandboxGateway(config.GATEWAY_URL, config.GATEWAY_TIMEOUT_MS),
      producer: kafka.producer,
      topic: topology.kafka.topics.paymentEvents,
      batchSize: config.DRAIN_BATCH_SIZE,
      concurrency: config.DRAIN_CONCURRENCY,
      log: backgroundLog('outbox-drainer'),
    })
    drainer.start(config.DRAIN_INTERVAL_MS)
    observeOutbox(db, backgroundLog('outbox-metrics'))
    return { app: buildApp({ config, db, drainer }), closers: [() => drainer.stop()] }
  }),
)
