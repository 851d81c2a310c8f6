import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2'
import mysql, { type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise'
import { boundedPool, withConnection } from './bounded-pool.js'
import * as schema from './schema/index.js'

export type Db = MySql2Database<typeof schema>

/**
 * The one place that decides where a statement goes: `read` is the local replica,
 * `write` is the global write path. Services never pick a URL themselves.
 */
export interface Database {
  readonly read: Db
  readonly write: Db
  /** The replica pool with every call bounded by readTimeoutMs (see bounded-pool.ts). */
  readonly readPool: Pool
  /** The write pool with every call bounded by writeTimeoutMs (see bounded-pool.ts). */
  readonly writePool: Pool
  /**
   * Bound on every write-path call, in ms: waiting for a connection, connecting and the
   * statement together. Past it the connection is killed and the call fails as unavailable.
   */
  readonly writeTimeoutMs: number
  /** Several statements on one write-path connection, all under one writeTimeoutMs deadline. */
  withWriteConnection<T>(what: string, work: (conn: PoolConnection) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export interface DatabaseOptions {
  readUrl: string
  writeUrl: string
  writeTimeoutMs: number
  /** Bound on every local-replica call; past it the connection is killed and the read fails as unavailable. */
  readTimeoutMs: number
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
    // mysql2 otherwise captures a stack trace on every query, to graft the caller's frames onto a
    // failure: 7 % of a catalog read's CPU (issue 17). Errors still carry mysql2's own stack and
    // code, and every caller here awaits, so V8's async stack traces name the awaiting function.
    trace: false,
  }
}

export function createDatabase(options: DatabaseOptions): Database {
  const rawReadPool = mysql.createPool(poolOptions(options.readUrl, options))
  const readPool = boundedPool(rawReadPool, options.readTimeoutMs, 'local replica')
  // One round trip per sale commits a whole transaction as a multi-statement batch.
  const rawWritePool = mysql.createPool({
    ...poolOptions(options.writeUrl, options),
    connectionLimit: options.writePoolSize ?? options.poolSize,
    multipleStatements: true,
  })
  const writePool = boundedPool(rawWritePool, options.writeTimeoutMs)
  return {
    read: drizzle({ client: readPool, schema, mode: 'default' }),
    write: drizzle({ client: writePool, schema, mode: 'default' }),
    readPool,
    writePool,
    writeTimeoutMs: options.writeTimeoutMs,
    withWriteConnection: (what, work) => withConnection(rawWritePool, options.writeTimeoutMs, what, work),
    async close() {
      await Promise.allSettled([rawReadPool.end(), rawWritePool.end()])
    },
  }
}
