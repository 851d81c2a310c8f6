import type { FastifyBaseLogger } from 'fastify'
import type { Kafka, Producer } from 'kafkajs'
import type { Database } from '@pos-fleet/platform/db/client'
import { localHolds } from '@pos-fleet/platform/db/session-token'
import type { WritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { createLocalQueue } from '@pos-fleet/platform/local-queue'
import { meter } from '@pos-fleet/platform/metrics'
import { type ApplyOutcome, startReplayer } from '@pos-fleet/platform/replayer'
import { applyPending } from '@pos-fleet/platform/store-and-forward'
import { type RegionId, topology } from '@pos-fleet/topology'
import { TOPIC_PARTITIONS, replayerGroup } from '@pos-fleet/topology/kafka'
import { type SalesRepository, activeTraceContext, saleKey } from '../repositories/sales-repository.js'
import type { PendingSale } from './pending-sale.js'

const replayed = meter.createCounter('pos_sales_reconciled_total', { description: 'queued sales replayed through the write path' })

/** The region's queue of provisional sales, keyed by terminal so each terminal's sales replay in order. */
export function createSaleQueue(kafka: Kafka, producer: Producer, region: RegionId, log: FastifyBaseLogger) {
  const topic = topology.kafka.topics.pendingSales
  const queue = createLocalQueue<PendingSale>({
    kafka,
    producer,
    topic,
    keyOf: (s) => s.terminalId,
    idOf: (s) => s.saleId,
    log,
    watermarkGroup: replayerGroup(topic, region),
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

/** A queued sale whose key the write path already holds: done if the request is the same, else never committed. */
const sameOutcome = (heldHash: string, sale: PendingSale): ApplyOutcome => (heldHash === sale.requestHash ? 'already-applied' : 'rejected')

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

export function startSaleReconciler(o: {
  kafka: Kafka
  db: Database
  sales: SalesRepository
  breaker: WritePathBreaker
  region: RegionId
  batchSize: number
  log: FastifyBaseLogger
}) {
  const topic = topology.kafka.topics.pendingSales
  return startReplayer<PendingSale>({
    kafka: o.kafka,
    topic,
    groupId: replayerGroup(topic, o.region),
    breaker: o.breaker,
    apply: (sale) => applyPendingSale(o.sales, sale),
    // Each sale keeps its own trace: its outbox row continues the request's, as one by one.
    applyBatch: async (batch) => (await o.sales.commitMany(batch.map((q) => ({ sale: q.item, traceContext: activeTraceContext(q.context) })))).sessionToken,
    settled: async (batch) => {
      const held = await o.sales.keysOnWritePath(batch)
      return batch.map((sale) => {
        const hash = held.get(saleKey(sale))
        return hash === undefined ? undefined : sameOutcome(hash, sale)
      })
    },
    writerPosition: () => o.sales.writerPosition(),
    localHolds: () => localHolds(o.db),
    batchSize: o.batchSize,
    concurrency: TOPIC_PARTITIONS,
    onApplied: (sale, outcome) => {
      replayed.add(1, { outcome })
      if (outcome === 'rejected') o.log.error({ saleId: sale.saleId, idempotencyKey: sale.idempotencyKey }, 'queued sale reuses an Idempotency-Key with another body; not committed')
      else o.log.info({ saleId: sale.saleId, outcome }, 'queued sale reconciled')
    },
    log: o.log,
  })
}
