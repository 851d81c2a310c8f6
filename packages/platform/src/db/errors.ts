import { Problem } from '../problem.js'

interface MysqlError {
  code?: string
  errno?: number
  fatal?: boolean
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
  // bounded-pool.ts: no answer within DB_WRITE_TIMEOUT_MS.
  'WRITE_PATH_DEADLINE',
])

/** errno 1290: the server runs with --read-only (a demoted or not-yet-promoted primary). */
const ER_OPTION_PREVENTS_STATEMENT = 1290
const ER_DUP_ENTRY = 1062

/** True when the failure says "the write path is down", not "the statement is wrong". */
export function isWritePathUnavailable(err: unknown): boolean {
  const e = err as MysqlError
  return (
    (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) ||
    e.errno === ER_OPTION_PREVENTS_STATEMENT ||
    e.fatal === true
  )
}

export function isDuplicateKey(err: unknown): boolean {
  return (err as MysqlError).errno === ER_DUP_ENTRY
}

export function writePathUnavailable(cause: unknown, retryAfterSeconds = 5): Problem {
  const code = (cause as MysqlError).code ?? String((cause as MysqlError).errno ?? 'unknown')
  return new Problem(
    'write-path-unavailable',
    `the writer region cannot be reached (${code}); retry with the same Idempotency-Key`,
    {},
    { 'retry-after': String(retryAfterSeconds) },
  )
}
