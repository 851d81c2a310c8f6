import { Problem } from '../problem.js'
import type { Db, Database } from './client.js'

/** A MariaDB GTID position: domain-server-sequence, comma-separated per domain. */
export const SESSION_TOKEN_PATTERN = '^[0-9]+-[0-9]+-[0-9]+(,[0-9]+-[0-9]+-[0-9]+)*$'
const TOKEN_RE = new RegExp(SESSION_TOKEN_PATTERN)

const UINT32_MAX = 2n ** 32n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** A GTID position MariaDB can parse: the pattern, and each domain and server id a uint32, each sequence a uint64. */
export function isSessionToken(value: string): boolean {
  if (!TOKEN_RE.test(value)) return false
  return value.split(',').every((gtid) => {
    const [domain, server, seq] = gtid.split('-').map(BigInt) as [bigint, bigint, bigint]
    return domain <= UINT32_MAX && server <= UINT32_MAX && seq <= UINT64_MAX
  })
}

export type ReadSource = 'replica' | 'replica-after-wait' | 'primary' | 'write-path'

/**
 * Read-your-writes: with a session token, wait (bounded) for the local replica to
 * apply that GTID; if it does not in time, read from the write path instead. Without
 * a token, reads are local.
 *
 * In the writer region the local database is the primary. MASTER_GTID_WAIT there waits on
 * gtid_slave_pos, which a primary never advances, so it would always time out (the load test
 * caught this: every token read in the writer region took the full wait). A writable local
 * database is the primary and already holds every committed GTID; replicas run read_only.
 * MariaDB's IF() evaluates only the branch it picks, so the primary never calls the wait.
 */
export async function readerFor(
  db: Database,
  token: string | undefined,
  waitMs: number,
): Promise<{ reader: Db; source: ReadSource }> {
  if (!token) return { reader: db.read, source: 'replica' }
  // Out of range, MASTER_GTID_WAIT fails the statement: a client error, not the server's.
  if (!isSessionToken(token)) throw new Problem('validation-failed', 'X-Session-Token is not a GTID position (domain-server-sequence, comma-separated)')
  const [rows] = await db.readPool.query(
    'SELECT @@global.read_only AS replica, IF(@@global.read_only, MASTER_GTID_WAIT(?, ?), 0) AS caughtUp',
    [token, waitMs / 1000],
  )
  const row = (rows as Array<{ replica: number; caughtUp: number | null }>)[0]
  if (row?.replica === 0) return { reader: db.read, source: 'primary' }
  return row?.caughtUp === 0 ? { reader: db.read, source: 'replica-after-wait' } : { reader: db.write, source: 'write-path' }
}

/** The writer's current position: a valid session token for anything already committed. */
export async function writerPosition(db: Database): Promise<string> {
  const [rows] = await db.writePool.query('SELECT @@gtid_binlog_pos AS pos')
  return (rows as Array<{ pos: string }>)[0]?.pos ?? ''
}
