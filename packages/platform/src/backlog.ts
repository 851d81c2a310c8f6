import type { ObservableResult } from '@opentelemetry/api'
import type { FastifyBaseLogger } from 'fastify'
import type { Admin, Kafka } from 'kafkajs'
import { withDeadline } from './deadline.js'
import { meter } from './metrics.js'

/** A scrape must not wait on a wedged broker: past this the backlog is left out of that scrape. */
const BACKLOG_QUERY_TIMEOUT_MS = 1_000

const backlogGauge = meter.createObservableGauge('pos_store_and_forward_backlog', {
  description: 'items queued in the region-local topic that its replayer has not yet applied through the write path (by topic)',
})

/**
 * What a consumer group still has to take from a topic: per partition, the end offset minus
 * the group's committed offset (or the log start, before its first commit). The replayer
 * commits an offset once the local replica holds what it applied (replayer.ts), so this
 * counts queued items not yet on the write path and readable here.
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })])
  const committedOf = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]))
  let lag = 0
  for (const p of ends) {
    const at = committedOf.get(p.partition) ?? -1
    lag += Math.max(0, Number(p.high) - (at >= 0 ? at : Number(p.low)))
  }
  return lag
}

/** Reports `topic`'s backlog for `groupId` on every metrics collection; returns the function that stops it. */
export function observeBacklog(kafka: Kafka, groupId: string, topic: string, log: FastifyBaseLogger): () => Promise<void> {
  const admin = kafka.admin()
  const connected = admin.connect()
  connected.catch(() => undefined)
  const observe = async (result: ObservableResult) => {
    try {
      await connected
      const lag = await withDeadline(BACKLOG_QUERY_TIMEOUT_MS, `reading ${topic}'s backlog`, consumerGroupLag(admin, groupId, topic))
      result.observe(lag, { topic })
    } catch (err) {
      log.debug({ err, topic }, 'store-and-forward backlog unavailable for this scrape')
    }
  }
  backlogGauge.addCallback(observe)
  return async () => {
    backlogGauge.removeCallback(observe)
    await admin.disconnect()
  }
}
