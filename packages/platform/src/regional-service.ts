import { createRequire } from 'node:module'
import type { Static, TObject } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { Kafka, Producer } from 'kafkajs'
import { createApiKeyAuthenticator, principalLookup } from './auth.js'
import { ConfigError, loadConfig } from './config.js'
import { createDatabase } from './db/client.js'
import { startHeartbeat, startLagMonitor } from './db/replication-lag.js'
import { createWritePathBreaker } from './db/write-path.js'
import type { App } from './http.js'
import { connectIdempotentProducer, createKafka } from './kafka.js'
import { runService } from './lifecycle.js'
import { shutdownMetrics } from './metrics.js'
import { createReferenceData, replicaReferenceSource } from './reference-data.js'
import { createStaleIfError } from './stale-if-error.js'
import type { RegionalContext, RegionalEnv } from './regional-app.js'
import { observeRegionalState } from './service-metrics.js'

/** The real connections a service's server.ts builds its app (and background work) from. */
export interface Started<C extends RegionalEnv> extends RegionalContext {
  config: C
  /** The region-local Kafka: store-and-forward queues, payment events. */
  kafka: { client: Kafka; producer: Producer }
  /** A logger for work outside a request (consumers, drainers), in the service's format. */
  backgroundLog(component: string): FastifyBaseLogger
}

/** The app, and the background work to stop after it has drained (in order). */
export interface Built {
  app: App
  closers?: Array<() => Promise<unknown>>
}

const HEARTBEAT_INTERVAL_MS = 500

/**
 * Process entry shared by every service that talks to the regional database and Kafka:
 * parse config (fail fast), open the read/write pools, start the heartbeat and lag
 * sampler, connect the producer, build the app and serve it until SIGTERM.
 */
export async function startRegionalService<S extends TObject>(
  envSchema: S,
  build: (started: Started<Static<S> & RegionalEnv>) => Promise<Built> | Built,
): Promise<void> {
  const config = loadConfig(envSchema) as Static<S> & RegionalEnv
  if (config.SESSION_WAIT_MS >= config.DB_READ_TIMEOUT_MS) {
    throw new ConfigError(`invalid configuration:\n  DB_READ_TIMEOUT_MS: must exceed SESSION_WAIT_MS (${config.SESSION_WAIT_MS}), whose replica wait it bounds (got ${config.DB_READ_TIMEOUT_MS})`)
  }
  // Required, not imported: the OTel pino instrumentation wraps the CommonJS export (see telemetry.ts).
  const pino = createRequire(import.meta.url)('pino') as typeof import('pino').pino
  const backgroundLog = (component: string): FastifyBaseLogger =>
    pino({ level: config.LOG_LEVEL, base: { service: process.env.OTEL_SERVICE_NAME, region: config.POS_REGION, component } })
  const db = createDatabase({
    readUrl: config.DB_READ_URL,
    writeUrl: config.DB_WRITE_URL,
    writeTimeoutMs: config.DB_WRITE_TIMEOUT_MS,
    readTimeoutMs: config.DB_READ_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolSize: config.DB_POOL_SIZE,
    writePoolSize: config.DB_WRITE_POOL_SIZE,
  })
  const writePath = createWritePathBreaker()
  const staleIfError = createStaleIfError({ maxStaleMs: config.REFERENCE_MAX_STALE_MS, log: backgroundLog('reference-data') })
  const heartbeat = startHeartbeat(db, config.POS_REGION, HEARTBEAT_INTERVAL_MS, writePath)
  const lag = startLagMonitor(db, HEARTBEAT_INTERVAL_MS)
  observeRegionalState({ writePath, replicationLag: lag.state })
  const client = createKafka({ clientId: `${config.POS_REGION}-${process.pid}`, brokers: config.KAFKA_BROKERS.split(','), log: backgroundLog('kafka') })
  const producer = await connectIdempotentProducer(client)
  const { app, closers = [] } = await build({
    config,
    db,
    authenticate: createApiKeyAuthenticator(principalLookup(db.read), { staleIfError }),
    reference: createReferenceData(replicaReferenceSource(db.read), staleIfError),
    staleIfError,
    writePath,
    replicationLag: lag.state,
    kafka: { client, producer },
    backgroundLog,
  })
  await runService(
    {
      app,
      // After the HTTP drain: background work, then the producer, then the pools.
      closers: [
        ...closers,
        () => producer.disconnect(),
        async () => {
          heartbeat.stop()
          lag.stop()
        },
        () => db.close(),
        shutdownMetrics,
      ],
    },
    { host: config.HOST, port: config.PORT },
    config.SHUTDOWN_GRACE_MS,
  )
}

/** Entry point guard: log a ConfigError as one readable line and exit non-zero. */
export function main(start: () => Promise<void>): void {
  start().catch((err: Error) => {
    process.stderr.write(`${err.name === 'ConfigError' ? '' : `${err.stack ?? err}\n`}${err.name}: ${err.message}\n`)
    process.exit(1)
  })
}
