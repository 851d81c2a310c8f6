import { loadConfig } from '@pos-fleet/platform/config'
import { createDatabase } from '@pos-fleet/platform/db/client'
import { connectIdempotentProducer, createKafka } from '@pos-fleet/platform/kafka'
import { runService } from '@pos-fleet/platform/lifecycle'
import { loggerOptions } from '@pos-fleet/platform/logger'
import { shutdownMetrics } from '@pos-fleet/platform/metrics'
import { main } from '@pos-fleet/platform/regional-service'
import { topology } from '@pos-fleet/topology'
import { buildApp } from './app.js'
import { PaymentsWorkerEnv } from './config.js'
import { createSandboxGateway } from './gateway/sandbox-gateway.js'
import { createOutboxDrainer } from './worker/outbox-drainer.js'

main(async () => {
  const config = loadConfig(PaymentsWorkerEnv)
  const db = createDatabase({
    readUrl: config.DB_READ_URL,
    writeUrl: config.DB_WRITE_URL,
    writeTimeoutMs: config.DB_WRITE_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolSize: config.DB_POOL_SIZE,
    writePoolSize: config.DB_WRITE_POOL_SIZE,
  })
  const drainerRef: { lastError: () => string | null } = { lastError: () => null }
  const app = buildApp({ config, db, drainer: drainerRef, logger: loggerOptions('payments-worker', config.POS_REGION, config.LOG_LEVEL) })
  const kafka = createKafka({ clientId: `payments-worker-${config.POS_REGION}`, brokers: config.KAFKA_BROKERS.split(','), log: app.log })
  const producer = await connectIdempotentProducer(kafka)
  const drainer = createOutboxDrainer({
    db,
    gateway: createSandboxGateway(config.GATEWAY_URL, config.GATEWAY_TIMEOUT_MS),
    producer,
    topic: topology.kafka.topics.paymentEvents,
    batchSize: config.DRAIN_BATCH_SIZE,
    concurrency: config.DRAIN_CONCURRENCY,
    log: app.log,
  })
  drainerRef.lastError = drainer.lastError
  drainer.start(config.DRAIN_INTERVAL_MS)
  await runService(
    { app, closers: [() => drainer.stop(), () => producer.disconnect(), () => db.close(), shutdownMetrics] },
    { host: config.HOST, port: config.PORT },
    config.SHUTDOWN_GRACE_MS,
  )
})
