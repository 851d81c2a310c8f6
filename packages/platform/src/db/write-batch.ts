import mysql from 'mysql2/promise'
import { LATENCY_BUCKETS_S, meter } from '../metrics.js'
import type { Database } from './client.js'
import { isDuplicateKey, isWritePathUnavailable } from './errors.js'

const commitDuration = meter.createHistogram('pos_write_path_commit_duration_seconds', {
  unit: 's',
  description: 'one transaction committed through the global write path, from taking a connection to the answer (by operation; outcome committed, duplicate — an idempotent retry —, unavailable or error)',
  advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S },
})

interface Renderable {
  toSQL(): { sql: string; params: unknown[] }
}

export interface CommittedBatch {
  /** The writer's GTID for this transaction: the read-your-writes session token. */
  gtid: string
}

/**
 * Commits several drizzle statements as one transaction in ONE network round trip:
 * `START TRANSACTION; …; COMMIT; SELECT @@last_gtid` goes out as a single
 * multi-statement packet. Across a 160 ms WAN that is the difference between one RTT
 * and one RTT per statement. Values are escaped by mysql2's `format`.
 *
 * `@@last_gtid` is MariaDB's; on MySQL 8 / PolarDB the same token comes from
 * session_track_gtids (see README "Read-your-writes").
 */
export async function commitInOneRoundTrip(db: Database, operation: string, statements: Renderable[]): Promise<CommittedBatch> {
  const body = statements.map((s) => {
    const { sql, params } = s.toSQL()
    return mysql.format(sql, params as Parameters<typeof mysql.format>[1])
  })
  const text = ['START TRANSACTION', ...body, 'COMMIT', 'SELECT @@last_gtid AS gtid'].join(';\n')
  const started = performance.now()
  let outcome = 'committed'
  try {
    const committed = await db.withWriteConnection(`committing a ${operation}`, async (conn) => {
      try {
        const [results] = await conn.query(text)
        const sets = results as unknown as unknown[]
        const last = sets[sets.length - 1] as Array<{ gtid: string }>
        return { gtid: last[0]?.gtid ?? '' }
      } catch (err) {
        // A statement error stops the batch with the transaction still open: roll it back
        // (within the same deadline) before the connection goes back to the pool, or drop the
        // connection if that fails. An unavailable error has killed the connection already;
        // the server rolls back on disconnect.
        if (!isWritePathUnavailable(err)) await conn.query('ROLLBACK').catch(() => conn.destroy())
        throw err
      }
    })
    return committed
  } catch (err) {
    outcome = isDuplicateKey(err) ? 'duplicate' : isWritePathUnavailable(err) ? 'unavailable' : 'error'
    throw err
  } finally {
    commitDuration.record((performance.now() - started) / 1_000, { operation, outcome })
  }
}
