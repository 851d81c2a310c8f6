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
import { sameDelta } from '../domain/delta.js'
import type { DeltasRepository } from '../repositories/deltas-repository.js'
import type { PendingDelta, QueuedSaleLines } from './pending.js'

const applied = meter.createCounter('pos_inventory_deltas_replayed_total', { description: 'queued deltas replayed through the write path' })

export function createDeltaQueue(kafka: Kafka, producer: Producer, region: RegionId, log: FastifyBaseLogger) {
  const topic = topology.kafka.topics.pendingDeltas
  return createLocalQueue<PendingDelta>({
    kafka,
    producer,
    topic,
    keyOf: (d) => `${d.storeId}:${d.sku}`,
    idOf: (d) => d.deltaId,
    log,
    watermarkGroup: replayerGroup(topic, region),
  })
}

/** Read-only view of the storefront's queued sales, for the stock they will take; bounded by the storefront reconciler's offsets. */
export function createQueuedSalesView(kafka: Kafka, producer: Producer, region: RegionId, log: FastifyBaseLogger) {
  const topic = topology.kafka.topics.pendingSales
  return createLocalQueue<QueuedSaleLines>({
    kafka,
    producer,
    topic,
    keyOf: (s) => s.saleId,
    idOf: (s) => s.saleId,
    log,
    watermarkGroup: replayerGroup(topic, region),
  })
}

export type DeltaQueue = ReturnType<typeof createDeltaQueue>
export type QueuedSalesView = ReturnType<typeof createQueuedSalesView>

/** Insert-if-absent by deltaId: a redelivered delta is already there and changes nothing. */
export function applyPendingDelta(deltas: DeltasRepository, d: PendingDelta): Promise<ApplyOutcome> {
  return applyPending(
    () => deltas.append(d.merchantId, d.originRegion as RegionId, d),
    async () => {
      const existing = await deltas.findOnWritePath(d.deltaId)
      return existing !== undefined && sameDelta(existing, d)
    },
  )
}

export function startDeltaApplier(o: {
  kafka: Kafka
  db: Database
  deltas: DeltasRepository
  breaker: WritePathBreaker
  region: RegionId
  batchSize: number
  log: FastifyBaseLogger
}) {
  const topic = topology.kafka.topics.pendingDeltas
  return startReplayer<PendingDelta>({
    kafka: o.kafka,
    topic,
    groupId: replayerGroup(topic, o.region),
    breaker: o.breaker,
    apply: (d) => applyPendingDelta(o.deltas, d),
    applyBatch: async (batch) => (await o.deltas.appendMany(batch.map(({ item: d }) => ({ ...d, originRegion: d.originRegion as RegionId })))).gtid,
    settled: async (batch) => {
      const held = new Map((await o.deltas.findManyOnWritePath(batch.map((d) => d.deltaId))).map((row) => [row.deltaId, row]))
      return batch.map((d) => {
        const existing = held.get(d.deltaId)
        if (existing === undefined) return undefined
        return sameDelta(existing, d) ? 'already-applied' : 'rejected'
      })
    },
    writerPosition: () => o.deltas.writerPosition(),
    localHolds: () => localHolds(o.db),
    batchSize: o.batchSize,
    concurrency: TOPIC_PARTITIONS,
    onApplied: (d, outcome) => {
      applied.add(1, { outcome })
      if (outcome === 'rejected') o.log.error({ deltaId: d.deltaId }, 'queued delta reuses a deltaId with other content; not applied')
    },
    log: o.log,
  })
}
