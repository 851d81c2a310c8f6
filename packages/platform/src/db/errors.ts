import { Problem } from '../problem.js'

interface MysqlError {
  code?: string
  errno?: number
  fatal?: boolean
  message?: string
  cause?: unknown
}

/**
 * The driver's error behind `err`. drizzle wraps every failed statement in a
 * DrizzleQueryError whose `cause` is mysql2's error, and only that one carries the code.
 * Reading the wrapper kept the heartbeat (a drizzle insert) from ever opening the breaker:
 * `/readyz` said the write path was up through a whole blackhole.
 */
export function driverError(err: unknown): MysqlError {
  let e = (err ?? {}) as MysqlError
  for (let depth = 0; depth < 5 && e.code === undefined && e.errno === undefined && e.cause != null; depth++) e = e.cause as MysqlError
  return e
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'POOL_CLOSED',
  // bounded-pool.ts: no answer within DB_WRITE_TIMEOUT_MS / DB_READ_TIMEOUT_MS.
  'WRITE_PATH_DEADLINE',
  'LOCAL_REPLICA_DEADLINE',
])

/** errno 1290: the server runs with --read-only (a demoted or not-yet-promoted primary). */
const ER_OPTION_PREVENTS_STATEMENT = 1290
const ER_DUP_ENTRY = 1062

/**
 * True when the failure says "the server is down or does not answer", not "the statement is
 * wrong". Named for the write path, where it drives the breaker; a read from the local replica
 * fails the same ways (see isReplicaUnavailable).
 */
export function isWritePathUnavailable(err: unknown): boolean {
  const e = driverError(err)
  return (
    (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) ||
    e.errno === ER_OPTION_PREVENTS_STATEMENT ||
    e.fatal === true
  )
}

/** The local replica is down or hung: what allows serving reference data stale (stale-if-error.ts). */
export const isReplicaUnavailable = isWritePathUnavailable

export function isDuplicateKey(err: unknown): boolean {
  return driverError(err).errno === ER_DUP_ENTRY
}

export function writePathUnavailable(cause: unknown, retryAfterSeconds = 5): Problem {
  const e = driverError(cause)
  const code = e.code ?? String(e.errno ?? 'unknown')
  return new Problem(
    'write-path-unavailable',
    `the writer region cannot be reached (${code}); retry with the same Idempotency-Key`,
    {},
    { 'retry-after': String(retryAfterSeconds) },
  )
}
