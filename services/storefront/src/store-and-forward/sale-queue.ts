import type { FastifyBaseLogger } from 'fastify'
import type { Kafka, Producer } from 'kafkajs'
import type { WritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { type ApplyOutcome, createLocalQueue, startReplayer } from '@pos-fleet/platform/local-queue'
import { meter } from '@pos-fleet/platform/metrics'
import { applyPending } from '@pos-fleet/platform/store-and-forward'
import { type RegionId, topology } from '@pos-fleet/topology'
import type { SalesRepository } from '../repositories/sales-repository.js'
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
 * Commits a queued sale with its original id, totals and idempotency key. Already there
 * under its key with the same request: done. Another body under a key already used
 * elsewhere: `rejected`, never committed.
 */
export function applyPendingSale(sales: SalesRepository, sale: PendingSale): Promise<ApplyOutcome> {
  return applyPending(
    () => sales.commit(sale),
    async () => {
      const existing = await sales.byKeyOnWritePath(sale.merchantId, sale.idempotencyKey)
      return !existing || existing.requestHash === sale.requestHash
    },
  )
}

export function startSaleReconciler(o: { kafka: Kafka; sales: SalesRepository; breaker: WritePathBreaker; region: RegionId; log: FastifyBaseLogger }) {
  return startReplayer<PendingSale>({
    kafka: o.kafka,
    topic: topology.kafka.topics.pendingSales,
    groupId: `storefront-reconciler-${o.region}`,
    breaker: o.breaker,
    apply: (sale) => applyPendingSale(o.sales, sale),
    onApplied: (sale, outcome) => {
      replayed.add(1, { outcome })
      if (outcome === 'rejected') o.log.error({ saleId: sale.saleId, idempotencyKey: sale.idempotencyKey }, 'queued sale reuses an Idempotency-Key with another body; not committed')
      else o.log.info({ saleId: sale.saleId, outcome }, 'queued sale reconciled')
    },
    log: o.log,
  })
}
