import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { ObservableResult } from '@opentelemetry/api'
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs'
import type { WritePathBreaker } from './db/write-path.js'
import { withDeadline } from './deadline.js'
import { meter } from './metrics.js'

const ENQUEUE_TIMEOUT_MS = 3_000
/** A scrape must not wait on a wedged broker: past this the backlog is left out of that scrape. */
const BACKLOG_QUERY_TIMEOUT_MS = 1_000

const backlogGauge = meter.createObservableGauge('pos_store_and_forward_backlog', {
  description: 'items queued in the region-local topic that its replayer has not yet applied through the write path (by topic)',
})

/**
 * Store-and-forward through the region-local Kafka. `enqueue` returns only once the
 * broker has the item (idempotent producer, acks=all): that is the moment a provisional
 * answer may be given. Every process also keeps a view of what is queued — its own
 * enqueues at once, other processes' through a consumer — so queued items are readable
 * in their region before they reach the writer.
 */
export function createLocalQueue<T>(o: {
  kafka: Kafka
  producer: Producer
  topic: string
  /** Partitioning key: items with one key replay in order. */
  keyOf: (item: T) => string
  idOf: (item: T) => string
  log: FastifyBaseLogger
  enqueueTimeoutMs?: number
}) {
  const enqueueTimeoutMs = o.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS
  const view = new Map<string, T>()
  let viewConsumer: Consumer | undefined

  return {
    /**
     * Bounded, so a sale never hangs on a dead broker. A send that times out here may
     * still land later; the client's retry (same Idempotency-Key) then replays as a
     * duplicate that the unique keys absorb.
     */
    async enqueue(item: T): Promise<void> {
      await withDeadline(
        enqueueTimeoutMs,
        `queueing to ${o.topic}`,
        o.producer.send({ topic: o.topic, acks: -1, messages: [{ key: o.keyOf(item), value: JSON.stringify(item) }] }),
      )
      view.set(o.idOf(item), item)
    },
    get: (id: string) => view.get(id),
    values: () => view.values(),
    /** Forget an item once the write path has it (seen on the local replica). */
    forget: (id: string) => view.delete(id),
    /** Follows the topic from the beginning so items queued by other processes are visible too. */
    async startView(): Promise<void> {
      viewConsumer = o.kafka.consumer({ groupId: `view-${o.topic}-${randomUUID()}` })
      await viewConsumer.connect()
      await viewConsumer.subscribe({ topic: o.topic, fromBeginning: true })
      await viewConsumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (!message.value) return
          const item = JSON.parse(message.value.toString()) as T
          view.set(o.idOf(item), item)
        },
      })
    },
    async stop(): Promise<void> {
      await viewConsumer?.disconnect()
    },
  }
}

export type LocalQueue<T> = ReturnType<typeof createLocalQueue<T>>

/** `rejected`: can never apply (a client bug such as a reused id); logged and counted, not retried. */
export type ApplyOutcome = 'applied' | 'already-applied' | 'rejected'

/**
 * What a consumer group still has to take from a topic: per partition, the end offset minus
 * the group's committed offset (or the log start, before its first commit). The replayer
 * commits after applying, so this counts items not yet on the write path.
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

/** Reports `topic`'s backlog on every metrics collection; returns the function that stops it. */
function observeBacklog(kafka: Kafka, groupId: string, topic: string, log: FastifyBaseLogger): () => Promise<void> {
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

const PAUSE_MS = 500
const POISON_BACKOFF_MS = 5_000

/**
 * Replays queued items through the write path, in order per key, exactly once in
 * effect: `apply` must be idempotent (insert-if-absent by a unique id), because an item
 * is redelivered after a crash between applying it and committing its offset. While
 * the write path is down the partition waits on the breaker — nothing is skipped, and
 * it does not spin. An item that fails for another reason is retried with a backoff
 * and logged loudly: it holds its key's queue rather than being dropped.
 */
export function startReplayer<T>(o: {
  kafka: Kafka
  topic: string
  groupId: string
  breaker: WritePathBreaker
  apply: (item: T) => Promise<ApplyOutcome>
  onApplied?: (item: T, outcome: ApplyOutcome) => void
  log: FastifyBaseLogger
  /** How long to wait before looking at the breaker again, and before retrying a failed item. */
  pauseMs?: number
  retryBackoffMs?: number
}) {
  const pauseMs = o.pauseMs ?? PAUSE_MS
  const retryBackoffMs = o.retryBackoffMs ?? POISON_BACKOFF_MS
  // A crashed replayer's partitions move to a live one after sessionTimeout: keep it short.
  const consumer = o.kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 })
  const stopObserving = observeBacklog(o.kafka, o.groupId, o.topic, o.log)
  let stopping = false
  const started = (async () => {
    await consumer.connect()
    await consumer.subscribe({ topic: o.topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message, heartbeat }) => {
        if (!message.value) return
        const item = JSON.parse(message.value.toString()) as T
        for (;;) {
          // Abandon without committing the offset: the item is replayed after restart.
          if (stopping) throw new Error('replayer stopping')
          if (o.breaker.isOpen()) {
            await heartbeat()
            await sleep(pauseMs)
            continue
          }
          try {
            const outcome = await o.apply(item)
            o.onApplied?.(item, outcome)
            return
          } catch (err) {
            if (o.breaker.reportFailure(err)) continue
            o.log.error({ err, topic: o.topic, offset: message.offset }, 'replay of a queued item failed; retrying')
            await heartbeat()
            await sleep(retryBackoffMs)
          }
        }
      },
    })
  })()
  started.catch((err: Error) => o.log.error({ err, topic: o.topic }, 'replayer failed to start'))
  return {
    started,
    async stop(): Promise<void> {
      stopping = true
      await consumer.disconnect()
      await stopObserving()
    },
  }
}
