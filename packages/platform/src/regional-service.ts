import type { Static, TObject } from '@sinclair/typebox'
import { type Authenticator, createApiKeyAuthenticator } from './auth.js'
import { type DatabaseEnv, type BaseEnv, loadConfig } from './config.js'
import { type Database, createDatabase } from './db/client.js'
import { type LagState, type WritePathState, startHeartbeat, startLagMonitor } from './db/replication-lag.js'
import type { App } from './http.js'
import { runService } from './lifecycle.js'
import { shutdownMetrics } from './metrics.js'

type RegionalEnv = Static<TObject<typeof BaseEnv & typeof DatabaseEnv>>

/** What a regional (every-region) service's buildApp receives. */
export interface RegionalDeps<C extends RegionalEnv> {
  config: C
  db: Database
  authenticate: Authenticator
  /** Health of the global write path, from the heartbeat writes. */
  writePath: () => WritePathState
  /** Replication lag of the local replica, from the heartbeat reads. */
  replicationLag: () => LagState
}

const HEARTBEAT_INTERVAL_MS = 500

/**
 * Process entry shared by storefront and inventory-delta: parse config (fail fast),
 * open the read/write pools, start the heartbeat and lag sampler, build the app and
 * serve it until SIGTERM.
 */
export async function startRegionalService<S extends TObject>(
  envSchema: S,
  buildApp: (deps: RegionalDeps<Static<S> & RegionalEnv>) => Promise<App> | App,
): Promise<void> {
  const config = loadConfig(envSchema) as Static<S> & RegionalEnv
  const db = createDatabase({
    readUrl: config.DB_READ_URL,
    writeUrl: config.DB_WRITE_URL,
    writeTimeoutMs: config.DB_WRITE_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolSize: config.DB_POOL_SIZE,
  })
  const heartbeat = startHeartbeat(db, config.POS_REGION, HEARTBEAT_INTERVAL_MS)
  const lag = startLagMonitor(db, HEARTBEAT_INTERVAL_MS)
  const app = await buildApp({
    config,
    db,
    authenticate: createApiKeyAuthenticator(db.read),
    writePath: heartbeat.state,
    replicationLag: lag.state,
  })
  await runService(
    {
      app,
      closers: [
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
