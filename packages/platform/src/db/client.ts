import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2'
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise'
import * as schema from './schema/index.js'

export type Db = MySql2Database<typeof schema>

/**
 * The one place that decides where a statement goes: `read` is the local replica,
 * `write` is the global write path. Services never pick a URL themselves.
 */
export interface Database {
  readonly read: Db
  readonly write: Db
  readonly readPool: Pool
  readonly writePool: Pool
  /** Bound on every write-path statement, in ms. */
  readonly writeTimeoutMs: number
  close(): Promise<void>
}

export interface DatabaseOptions {
  readUrl: string
  writeUrl: string
  writeTimeoutMs: number
  connectTimeoutMs: number
  poolSize: number
  /** Defaults to poolSize. */
  writePoolSize?: number
}

function poolOptions(uri: string, o: DatabaseOptions): PoolOptions {
  return {
    uri,
    connectionLimit: o.poolSize,
    connectTimeout: o.connectTimeoutMs,
    enableKeepAlive: true,
    // datetimes stay strings end to end (drizzle columns use mode 'string'); no TZ drift.
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
  }
}

/**
 * mysql2 enforces a per-query `timeout` (and destroys the connection when it fires),
 * but drizzle has no way to pass one. Injecting it at the pool means every write-path
 * statement is bounded, so a silently dead WAN link surfaces as an error, not a hang.
 */
function withStatementTimeout(pool: Pool, timeoutMs: number): Pool {
  const bound = (fn: (...args: unknown[]) => unknown) =>
    (first: unknown, ...rest: unknown[]) =>
      fn(typeof first === 'string' ? { sql: first, timeout: timeoutMs } : { timeout: timeoutMs, ...(first as object) }, ...rest)
  return new Proxy(pool, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (prop === 'query' || prop === 'execute') return bound((value as (...a: unknown[]) => unknown).bind(target))
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

export function createDatabase(options: DatabaseOptions): Database {
  const readPool = mysql.createPool(poolOptions(options.readUrl, options))
  // One round trip per sale commits a whole transaction as a multi-statement batch.
  const writePool = mysql.createPool({
    ...poolOptions(options.writeUrl, options),
    connectionLimit: options.writePoolSize ?? options.poolSize,
    multipleStatements: true,
  })
  return {
    read: drizzle({ client: readPool, schema, mode: 'default' }),
    write: drizzle({ client: withStatementTimeout(writePool, options.writeTimeoutMs), schema, mode: 'default' }),
    readPool,
    writePool,
    writeTimeoutMs: options.writeTimeoutMs,
    async close() {
      await Promise.allSettled([readPool.end(), writePool.end()])
    },
  }
}
