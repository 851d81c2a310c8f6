import type { Db, Database } from './client.js'

/** A MariaDB GTID position: domain-server-sequence, comma-separated per domain. */
export const SESSION_TOKEN_PATTERN = '^[0-9]+-[0-9]+-[0-9]+(,[0-9]+-[0-9]+-[0-9]+)*$'
const TOKEN_RE = new RegExp(SESSION_TOKEN_PATTERN)

export function isSessionToken(value: string): boolean {
  return TOKEN_RE.test(value)
}

export type ReadSource = 'replica' | 'replica-after-wait' | 'write-path'

/**
 * Read-your-writes: with a session token, wait (bounded) for the local replica to
 * apply that GTID; if it does not in time, read from the write path instead. Without
 * a token, reads are local.
 */
export async function readerFor(
  db: Database,
  token: string | undefined,
  waitMs: number,
): Promise<{ reader: Db; source: ReadSource }> {
  if (!token) return { reader: db.read, source: 'replica' }
  const [rows] = await db.readPool.query('SELECT MASTER_GTID_WAIT(?, ?) AS caughtUp', [token, waitMs / 1000])
  const caughtUp = (rows as Array<{ caughtUp: number }>)[0]?.caughtUp === 0
  return caughtUp ? { reader: db.read, source: 'replica-after-wait' } : { reader: db.write, source: 'write-path' }
}

/** The writer's current position: a valid session token for anything already committed. */
export async function writerPosition(db: Database): Promise<string> {
  const [rows] = await db.writePool.query({ sql: 'SELECT @@gtid_binlog_pos AS pos', timeout: db.writeTimeoutMs })
  return (rows as Array<{ pos: string }>)[0]?.pos ?? ''
}
