import type { Pool, PoolConnection } from 'mysql2/promise'
import { isWritePathUnavailable } from './errors.js'

/*
 * Why not mysql2's own bounds (read in mysql2 3.24's source):
 * - a query `timeout` only rejects the promise: the command stays queued on the connection,
 *   which is neither destroyed nor released, and any later command on it (a ROLLBACK in a
 *   catch) waits behind the hung one without its own timer ever starting;
 * - `pool.getConnection()` waits in an unbounded queue once every connection is checked out;
 * - `destroy()` only half-closes the socket (FIN), which a blackholed link never answers.
 * So every write-path call runs under one deadline covering the wait for a connection, the
 * connect and the statements, and a connection that misses it is killed: it never goes back
 * to the pool.
 */

/** Which pool a deadline bounds: the global write path, or the region's own replica. */
export type BoundedPath = 'write path' | 'local replica'

const DEADLINE_CODES = { 'write path': 'WRITE_PATH_DEADLINE', 'local replica': 'LOCAL_REPLICA_DEADLINE' } as const

/** The pool's server did not answer within its deadline; counts as unavailable (fatal). */
export class PoolDeadlineError extends Error {
  override name = 'PoolDeadlineError'
  readonly code: (typeof DEADLINE_CODES)[BoundedPath]
  readonly fatal = true
  constructor(what: string, ms: number, path: BoundedPath = 'write path') {
    super(`${what}: no answer from the ${path} within ${ms} ms`)
    this.code = DEADLINE_CODES[path]
  }
}

/** Takes the connection out of the pool and closes its socket at once. */
function kill(conn: PoolConnection): void {
  const core = conn.connection as unknown as { destroy(): void; stream?: { destroy(): void } }
  core.destroy()
  core.stream?.destroy()
}

/** A connection within `ms`, or a deadline error; one that arrives later goes back to the pool unused. */
function acquire(pool: Pool, ms: number, what: string, path: BoundedPath): Promise<PoolConnection> {
  return new Promise((resolve, reject) => {
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      reject(new PoolDeadlineError(`${what} (waiting for a connection)`, ms, path))
    }, ms)
    pool.getConnection().then(
      (c) => {
        // It connected, only too late for this caller: it may serve the next one.
        if (expired) return c.release()
        clearTimeout(timer)
        resolve(c)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err)
      },
    )
  })
}

/** `work` on `conn` within `ms`; on the deadline or an unavailable error the connection is killed. */
function onConnection<T>(conn: PoolConnection, ms: number, what: string, path: BoundedPath, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(conn)
      reject(new PoolDeadlineError(what, ms, path))
    }, Math.max(1, ms))
    work().then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        if (isWritePathUnavailable(err)) kill(conn)
        reject(err)
      },
    )
  })
}

/**
 * Runs `work` on a pooled connection, all of it bounded by `ms`, and releases the
 * connection after (a killed one is already out of the pool: release is then a no-op).
 * One timer covers both the wait for a connection and the work: this runs on every
 * replica read, where a second timer and promise per read were measurable (issue 17).
 */
export function withConnection<T>(
  pool: Pool,
  ms: number,
  what: string,
  work: (conn: PoolConnection) => Promise<T>,
  path: BoundedPath = 'write path',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let conn: PoolConnection | null = null
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      if (conn) kill(conn)
      reject(new PoolDeadlineError(conn ? what : `${what} (waiting for a connection)`, ms, path))
    }, ms)
    const settle = (c: PoolConnection, err: unknown, value?: T) => {
      clearTimeout(timer)
      if (err !== undefined && isWritePathUnavailable(err)) kill(c)
      c.release()
      if (err !== undefined) reject(err)
      else resolve(value as T)
    }
    pool.getConnection().then(
      (c) => {
        // It connected, only too late for this caller: it may serve the next one.
        if (expired) return c.release()
        conn = c
        let running: Promise<T>
        try {
          running = work(c)
        } catch (err) {
          return settle(c, err)
        }
        running.then(
          (value) => settle(c, undefined, value),
          (err: unknown) => settle(c, err ?? new Error(`${what} failed`)),
        )
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err)
      },
    )
  })
}

function withOverrides<T extends object>(target: T, overrides: Record<string | symbol, unknown>): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop in overrides) return overrides[prop]
      const value = Reflect.get(t, prop, receiver)
      return typeof value === 'function' ? value.bind(t) : value
    },
  })
}

type Call = (...args: unknown[]) => Promise<unknown>

/**
 * A pool as drizzle sees it: `query`/`execute` run under {@link withConnection};
 * `getConnection` (drizzle transactions) is bounded too and hands out a connection whose
 * statements are bounded one by one, since a transaction may rightly outlast one
 * statement's deadline (the payments worker calls the gateway inside one).
 * The read pool is bounded the same way: a local replica that hangs (SIGSTOP, a wedged
 * disk) must not hold a sale, its readiness probe or its pool forever.
 */
export function boundedPool(pool: Pool, ms: number, path: BoundedPath = 'write path'): Pool {
  const onPool = (method: 'query' | 'execute') => (...args: unknown[]) =>
    withConnection(pool, ms, `${path} ${method}`, (c) => (c[method] as Call).apply(c, args), path)
  const onTx = (conn: PoolConnection, method: 'query' | 'execute') => (...args: unknown[]) =>
    onConnection(conn, ms, `${path} ${method} in a transaction`, path, () => (conn[method] as Call).apply(conn, args))
  return withOverrides(pool, {
    query: onPool('query'),
    execute: onPool('execute'),
    getConnection: async () => {
      const conn = await acquire(pool, ms, `opening a ${path} transaction`, path)
      return withOverrides(conn, { query: onTx(conn, 'query'), execute: onTx(conn, 'execute') })
    },
  })
}
