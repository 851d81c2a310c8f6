import { Problem } from '../problem.js'
import type { Db, Database } from './client.js'

/**
 * A MariaDB GTID position: domain-server-sequence, comma-separated per domain. The digit counts
 * keep every value in what MariaDB parses (domain and server ids are uint32, a sequence uint64),
 * so a token the schema admits never fails the wait's statement.
 */
const GTID = '[0-9]{1,9}-[0-9]{1,9}-[0-9]{1,19}'
export const SESSION_TOKEN_PATTERN = `^${GTID}(,${GTID})*$`
const TOKEN_RE = new RegExp(SESSION_TOKEN_PATTERN)

export function isSessionToken(value: string): boolean {
  return TOKEN_RE.test(value)
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
  // The route's schema already refuses these; a caller outside HTTP gets the same answer.
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

/** Highest sequence number per replication domain in a GTID position ("d-s-n,…"). */
export function gtidSequences(position: string): Map<string, number> {
  const seqs = new Map<string, number>()
  for (const gtid of position.split(',')) {
    const [domain, , seq] = gtid.trim().split('-')
    if (domain === undefined || seq === undefined) continue
    seqs.set(domain, Math.max(seqs.get(domain) ?? 0, Number(seq)))
  }
  return seqs
}

/**
 * What the local database already holds, from one query: a test for session tokens. A
 * writable local database is the primary and holds every committed GTID; a replica holds a
 * token once its applied position (`gtid_slave_pos`, in order under gtid_strict_mode) has
 * reached it in every domain — the same test MASTER_GTID_WAIT makes, without waiting.
 */
export async function localHolds(db: Database): Promise<(token: string) => boolean> {
  const [rows] = await db.readPool.query('SELECT @@global.read_only AS replica, @@global.gtid_slave_pos AS applied')
  const row = (rows as Array<{ replica: number; applied: string | null }>)[0]
  if (row?.replica === 0) return () => true
  const applied = gtidSequences(row?.applied ?? '')
  return (token) => [...gtidSequences(token)].every(([domain, seq]) => (applied.get(domain) ?? -1) >= seq)
}
