import { type Static, type TObject, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { REGION_IDS } from '@pos-fleet/topology'
import { BROKER_LIST_PATTERN } from '@pos-fleet/topology/kafka'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Parses and validates the environment once, at start-up. Values are coerced
 * ("8080" → 8080) and defaults applied; any failure names the variable at fault so
 * a misconfigured pod dies at once with a readable message instead of at first use.
 */
export function loadConfig<S extends TObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const known: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) if (env[key] !== undefined && env[key] !== '') known[key] = env[key]
  const value = Value.Default(schema, Value.Convert(schema, known))
  const errors = [...Value.Errors(schema, value)]
  if (errors.length > 0) {
    // One line per variable: its first error says enough.
    const byName = new Map<string, string>()
    for (const e of errors) {
      const name = e.path.replace(/^\//, '') || '(root)'
      const got = name in known ? ` (got ${JSON.stringify(known[name])})` : ' (not set)'
      if (!byName.has(name)) byName.set(name, `  ${name}: ${e.message}${got}`)
    }
    throw new ConfigError(`invalid configuration:\n${[...byName.values()].join('\n')}`)
  }
  return value as Static<S>
}

/** Environment entries every service shares. */
export const BaseEnv = {
  POS_REGION: Type.Union(
    REGION_IDS.map((r) => Type.Literal(r)),
    { description: 'the region this process serves' },
  ),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 1, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** Longest a SIGTERM drain may take before the process exits anyway. */
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
}

export const MysqlUrl = Type.String({ pattern: '^mysql://', description: 'mysql://user:password@host:port/database' })

/** The default bound on a write-path call; the drill checks answers against it (see deadline.ts). */
export const DEFAULT_DB_WRITE_TIMEOUT_MS = 2_000

export const DatabaseEnv = {
  /** The local replica (on PolarDB: the local cluster endpoint). */
  DB_READ_URL: MysqlUrl,
  /** The global write path (locally: the writer primary, through the WAN link from readers). */
  DB_WRITE_URL: MysqlUrl,
  /**
   * Bound on any write-path call — waiting for a pooled connection, connecting and the
   * statement together; past it the connection is killed and the write path counts as down.
   * It also bounds the breaker's probe (the heartbeat), so a blackholed link opens the breaker.
   */
  DB_WRITE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: DEFAULT_DB_WRITE_TIMEOUT_MS }),
  /**
   * Bound on any local-replica call, the same way (a hung replica's connection is killed). It
   * covers a read-your-writes wait on the replica, so it must exceed SESSION_WAIT_MS.
   */
  DB_READ_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 2_000 }),
  /**
   * How old the reference data a sale or restock needs (API keys, stores, floor limits,
   * prices) may be when the local replica is down and it is served from memory
   * (stale-if-error.ts). 0: never served stale, a sale needs its replica.
   */
  REFERENCE_MAX_STALE_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 3_600_000 }),
  /** mysql2's connect + handshake bound; a connect that outlives a call's deadline may still serve the next call. */
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 2_000 }),
  /** How long a read carrying a session token may wait for the local replica to catch up. */
  SESSION_WAIT_MS: Type.Integer({ minimum: 0, default: 1_000 }),
  /** Connections to the local database (reads: sub-millisecond, so few go a long way). */
  DB_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  /**
   * Connections to the write path. A remote commit holds one for a whole WAN round trip, so
   * by Little's law a region's write rate is capped at pool size ÷ RTT: 10 connections held
   * 235 ms each cap us-east-1 at ~42 sales/s, which the checkout sweep hit exactly.
   */
  DB_WRITE_POOL_SIZE: Type.Integer({ minimum: 1, default: 40 }),
}

export const KafkaEnv = {
  /** host:port[,host:port…] of this region's Kafka (the durable local queue). */
  KAFKA_BROKERS: Type.String({ pattern: BROKER_LIST_PATTERN, description: 'host:port[,host:port…]' }),
}

/** The services that queue writes while the write path is down and replay them after. */
export const StoreAndForwardEnv = {
  /** Queued items the reconciler commits per write-path transaction (one WAN round trip each). */
  REPLAY_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }),
}
