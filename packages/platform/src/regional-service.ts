import type { Static, TObject } from '@sinclair/typebox'
import type { Kafka, Producer } from 'kafkajs'
import { pino } from 'pino'
import { type Authenticator, createApiKeyAuthenticator } from './auth.js'
import { type DatabaseEnv, type BaseEnv, loadConfig } from './config.js'
import { type Database, createDatabase } from './db/client.js'
import { type LagState, startHeartbeat, startLagMonitor } from './db/replication-lag.js'
import { type WritePathBreaker, createWritePathBreaker } from './db/write-path.js'
import type { App } from './http.js'
import { connectIdempotentProducer, createKafka } from './kafka.js'
import { runService } from './lifecycle.js'
import { shutdownMetrics } from './metrics.js'

type RegionalEnv = Static<TObject<typeof BaseEnv & typeof DatabaseEnv>>

/** What a regional (every-region) service's buildApp receives. */
export interface RegionalDeps<C extends RegionalEnv> {
  config: C
  db: Database
  authenticate: Authenticator
  /** Circuit breaker over the global write path; the heartbeat is its probe. */
  writePath: WritePathBreaker
  /** Replication lag of the local replica, from the heartbeat reads. */
  replicationLag: () => LagState
  /** The region-local Kafka (store-and-forward), when KAFKA_BROKERS is configured. */
  kafka?: { client: Kafka; producer: Producer }
}

/** buildApp may also start background work (consumers) and hand back how to stop it. */
export type Built = App | { app: App; closers: Array<() => Promise<unknown>> }

const HEARTBEAT_INTERVAL_MS = 500

/**
 * Process entry shared by storefront and inventory-delta: parse config (fail fast),
 * open the read/write pools, start the heartbeat and lag sampler, build the app and
 * serve it until SIGTERM.
 */
export async function startRegionalService<S extends TObject>(
  envSchema: S,
  build: (deps: RegionalDeps<Static<S> & RegionalEnv>) => Promise<Built> | Built,
): Promise<void> {
  const config = loadConfig(envSchema) as Static<S> & RegionalEnv
  const db = createDatabase({
    readUrl: config.DB_READ_URL,
    writeUrl: config.DB_WRITE_URL,
    writeTimeoutMs: config.DB_WRITE_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolSize: config.DB_POOL_SIZE,
    writePoolSize: config.DB_WRITE_POOL_SIZE,
  })
  const writePath = createWritePathBreaker()
  const heartbeat = startHeartbeat(db, config.POS_REGION, HEARTBEAT_INTERVAL_MS, writePath)
  const lag = startLagMonitor(db, HEARTBEAT_INTERVAL_MS)
  const brokers = (config as { KAFKA_BROKERS?: string }).KAFKA_BROKERS
  let kafka: RegionalDeps<RegionalEnv>['kafka']
  if (brokers) {
    const client = createKafka({ clientId: `${config.POS_REGION}-${process.pid}`, brokers: brokers.split(','), log: backgroundLogger(config, 'kafka') })
    kafka = { client, producer: await connectIdempotentProducer(client) }
  }
  const built = await build({
    config,
    db,
    authenticate: createApiKeyAuthenticator(db.read),
    writePath,
    replicationLag: lag.state,
    ...(kafka ? { kafka } : {}),
  })
  const { app, closers } = 'closers' in built ? built : { app: built, closers: [] }
  await runService(
    {
      app,
      // After the HTTP drain: background consumers, then the producer, then the pools.
      closers: [
        ...closers,
        async () => kafka?.producer.disconnect(),
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

/** A logger for work outside a request (consumers, clients), in the service's own format. */
export function backgroundLogger(config: RegionalEnv, component: string) {
  return pino({ level: config.LOG_LEVEL, base: { service: process.env.OTEL_SERVICE_NAME, region: config.POS_REGION, component } })
}
