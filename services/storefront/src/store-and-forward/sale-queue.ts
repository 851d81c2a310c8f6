import type { FastifyBaseLogger } from 'fastify'
import type { Kafka, Producer } from 'kafkajs'
import type { Database } from '@pos-fleet/platform/db/client'
import { isDuplicateKey } from '@pos-fleet/platform/db/errors'
import type { WritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { type ApplyOutcome, createLocalQueue, startReplayer } from '@pos-fleet/platform/local-queue'
import { meter } from '@pos-fleet/platform/metrics'
import { type RegionId, topology } from '@pos-fleet/topology'
import { commitSale, findSaleByIdempotencyKey } from '../repositories/sales-repository.js'
import type { PendingSale } from './pending-sale.js'

const replayed = meter.createCounter('pos_sales_reconciled_total', { description: 'queued sales replayed through the write path' })

/** The region's queue of provisional sales, keyed by terminal so each terminal's sales replay in order. */
export function createSaleQueue(kafka: Kafka, producer: Producer, log: FastifyBaseLogger) {
  const queue = createLocalQueue<PendingSale>({
    kafka,
    producer,
    topic: topology.kafka.topics.pendingSales,
    keyOf: (s) => s.terminalId,
    idOf: (s) => s.saleId,
    log,
  })
  return {
    ...queue,
    findByKey(merchantId: string, idempotencyKey: string): PendingSale | undefined {
      for (const s of queue.values()) if (s.merchantId === merchantId && s.idempotencyKey === idempotencyKey) return s
      return undefined
    },
  }
}

export type SaleQueue = ReturnType<typeof createSaleQueue>

/**
 * Commits a queued sale with its original id, totals and idempotency key. A replay of
 * something already committed (redelivery after a crash, or a commit whose answer was
 * lost in the partition) hits the unique keys and counts as done — if it is the same
 * request. Another body under a key already used elsewhere is `rejected`: never committed.
 */
export async function applyPendingSale(db: Database, sale: PendingSale): Promise<ApplyOutcome> {
  try {
    await commitSale(db, sale)
    return 'applied'
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    const existing = await findSaleByIdempotencyKey(db.write, sale.merchantId, sale.idempotencyKey)
    return existing && existing.requestHash !== sale.requestHash ? 'rejected' : 'already-applied'
  }
}

export function startSaleReconciler(o: { kafka: Kafka; db: Database; breaker: WritePathBreaker; region: RegionId; log: FastifyBaseLogger }) {
  return startReplayer<PendingSale>({
    kafka: o.kafka,
    topic: topology.kafka.topics.pendingSales,
    groupId: `storefront-reconciler-${o.region}`,
    breaker: o.breaker,
    apply: (sale) => applyPendingSale(o.db, sale),
    onApplied: (sale, outcome) => {
      replayed.add(1, { outcome })
      if (outcome === 'rejected') o.log.error({ saleId: sale.saleId, idempotencyKey: sale.idempotencyKey }, 'queued sale reuses an Idempotency-Key with another body; not committed')
      else o.log.info({ saleId: sale.saleId, outcome }, 'queued sale reconciled')
    },
    log: o.log,
  })
}
