import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '@pos-fleet/platform/db/client'
import { outbox } from '@pos-fleet/platform/db/schema/index'
import { LATENCY_BUCKETS_S, meter, untraced } from '@pos-fleet/platform/metrics'

const backlog = meter.createObservableGauge('pos_outbox_backlog', { description: 'payment.requested outbox rows not yet processed' })
const oldestAge = meter.createObservableGauge('pos_outbox_oldest_age_seconds', {
  unit: 's',
  description: 'age of the oldest unprocessed payment.requested outbox row, by the writer’s clock (0 when none)',
})

/** Sale committed (outbox row written) to payment finished, the whole way through the worker. */
export const captureLag = meter.createHistogram('pos_payment_capture_lag_seconds', {
  unit: 's',
  description: 'from the outbox row’s commit to the payment’s outcome (by outcome)',
  advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_S, 30, 60, 120, 300] },
})

/** Seconds since an outbox `created_at` (UTC, as the writer stamped it; the worker runs beside the writer). */
export function secondsSince(createdAt: string, now: number = Date.now()): number {
  return Math.max(0, (now - Date.parse(`${createdAt.replace(' ', 'T')}Z`)) / 1_000)
}

/** Reads the outbox backlog from the writer on every metrics collection (the pending index serves it). */
export function observeOutbox(db: Database, log: FastifyBaseLogger): void {
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        const [row] = await untraced(() =>
          db.write
            .select({
              rows: sql<string>`COUNT(*)`,
              oldestUs: sql<string | null>`TIMESTAMPDIFF(MICROSECOND, MIN(${outbox.createdAt}), NOW(6))`,
            })
            .from(outbox)
            .where(sql`${outbox.processedAt} IS NULL AND ${outbox.eventType} = 'payment.requested'`),
        )
        result.observe(backlog, Number(row?.rows ?? 0))
        result.observe(oldestAge, row?.oldestUs == null ? 0 : Math.max(0, Number(row.oldestUs) / 1e6))
      } catch (err) {
        log.debug({ err }, 'outbox backlog unavailable for this scrape')
      }
    },
    [backlog, oldestAge],
  )
}
