import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs'
import { withDeadline } from './deadline.js'
import type { Check } from './health.js'

const ENQUEUE_TIMEOUT_MS = 3_000
const PRUNE_INTERVAL_MS = 1_000
const START_ATTEMPTS = 40
const START_RETRY_MS = 500

/**
 * kafkajs's admin does not retry a group lookup that the broker answers "not the coordinator"
 * or "coordinator loading" — what a broker says for a few seconds after it starts.
 */
async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (err) {
      if (attempt >= START_ATTEMPTS || (err as { retriable?: boolean }).retriable !== true) throw err
      await sleep(START_RETRY_MS)
    }
  }
}

interface Entry<T> {
  item: T
  partition: number
  /** Unknown only when the broker's answer carried none; such an entry leaves by `forget`. */
  offset: number | undefined
}

/** What the view did at start-up and holds now (`/readyz`, tests). */
export interface ViewStats {
  entries: number
  /** Messages read before the view was ready: what was still pending, not the topic's history. */
  readAtStart: number
  /** Messages below the start offsets, never read: the topic's history the replayer has settled. */
  skippedAtStart: number
}

/** A view as a readiness check: never failing (it is complete before the service listens), with its counts. */
export function viewCheck(stats: ViewStats): Check {
  return { ok: true, critical: false, detail: `${stats.entries} pending`, stats: { ...stats } }
}

/**
 * Store-and-forward through the region-local Kafka. `enqueue` returns only once the
 * broker has the item (idempotent producer, acks=all): that is the moment a provisional
 * answer may be given. Every process also keeps a view of what is queued — its own
 * enqueues at once, other processes' through a consumer — so queued items are readable
 * in their region before they reach the writer.
 *
 * The view holds only what may still be pending. Its bound is the replayer's committed
 * offset per partition (`watermarkGroup`): the replayer commits an offset only once the
 * region's own replica holds everything below it (replayer.ts), so below it a read finds the
 * item in the database and above it the view still has it. The view starts each partition
 * there — start-up reads what is pending, not the topic's 24 h history — and drops entries
 * as the committed offset passes them.
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
  /** The replayer's consumer group (topology replayerGroup); without one the view reads from the beginning. */
  watermarkGroup?: string
  pruneIntervalMs?: number
}) {
  const enqueueTimeoutMs = o.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS
  const view = new Map<string, Entry<T>>()
  /** Per partition: below this offset the local replica holds every item. */
  const watermark = new Map<number, number>()
  /** Per partition: the next offset the view consumer reads (where it resumes after a rejoin). */
  const next = new Map<number, number>()
  const stats = { readAtStart: 0, skippedAtStart: 0 }
  let viewConsumer: Consumer | undefined
  let admin: Admin | undefined
  let pruner: NodeJS.Timeout | undefined

  function add(item: T, partition: number, offset: number | undefined): void {
    if (offset !== undefined && offset < (watermark.get(partition) ?? 0)) return
    view.set(o.idOf(item), { item, partition, offset })
  }

  /** Reads the replayer's committed offsets and drops what they have passed. */
  async function prune(): Promise<void> {
    if (!admin || !o.watermarkGroup) return
    const [committed] = await admin.fetchOffsets({ groupId: o.watermarkGroup, topics: [o.topic] })
    for (const p of committed?.partitions ?? []) {
      const offset = Number(p.offset)
      if (offset > (watermark.get(p.partition) ?? 0)) watermark.set(p.partition, offset)
    }
    for (const [id, e] of view) if (e.offset !== undefined && e.offset < (watermark.get(e.partition) ?? 0)) view.delete(id)
  }

  return {
    /**
     * Bounded, so a sale never hangs on a dead broker. A send that times out here may
     * still land later; the client's retry (same Idempotency-Key) then replays as a
     * duplicate that the unique keys absorb.
     */
    async enqueue(item: T): Promise<void> {
      const [sent] = await withDeadline(
        enqueueTimeoutMs,
        `queueing to ${o.topic}`,
        o.producer.send({ topic: o.topic, acks: -1, messages: [{ key: o.keyOf(item), value: JSON.stringify(item) }] }),
      )
      add(item, sent?.partition ?? -1, sent?.baseOffset === undefined ? undefined : Number(sent.baseOffset))
    },
    get: (id: string) => view.get(id)?.item,
    *values(): IterableIterator<T> {
      for (const e of view.values()) yield e.item
    },
    /** Forget an item once the write path has it (seen on the local replica). */
    forget: (id: string) => view.delete(id),
    stats: (): ViewStats => ({ entries: view.size, ...stats }),
    /**
     * Follows the topic from the replayer's committed offsets (from the beginning where it has
     * none) and resolves once it has read what the topic held at the call: the view is complete.
     */
    async startView(): Promise<void> {
      admin = o.kafka.admin()
      const a = admin
      await a.connect()
      const ends = await retrying(() => a.fetchTopicOffsets(o.topic))
      const group = o.watermarkGroup
      const [committed] = group ? await retrying(() => a.fetchOffsets({ groupId: group, topics: [o.topic] })) : []
      const remaining = new Map<number, number>()
      for (const e of ends) {
        const low = Number(e.low)
        const committedAt = Number(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1)
        const start = Math.max(low, committedAt)
        watermark.set(e.partition, Math.max(0, committedAt))
        next.set(e.partition, start)
        stats.skippedAtStart += start - low
        if (Number(e.high) > start) remaining.set(e.partition, Number(e.high))
      }
      let caughtUp: () => void = () => {}
      const ready = new Promise<void>((resolve) => (caughtUp = resolve))
      const passed = (partition: number) => {
        if ((next.get(partition) ?? 0) >= (remaining.get(partition) ?? 0)) remaining.delete(partition)
        if (remaining.size === 0) caughtUp()
      }
      if (remaining.size === 0) caughtUp()

      // A group of its own, so this process gets every partition; it commits nothing. Each
      // (re)join — also after the consumer restarts itself — resumes where the view is.
      const consumer = o.kafka.consumer({ groupId: `view-${o.topic}-${randomUUID()}` })
      viewConsumer = consumer
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition, offset] of next) consumer.seek({ topic: o.topic, partition, offset: String(offset) })
      })
      await consumer.connect()
      await consumer.subscribe({ topic: o.topic, fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const offset = Number(message.offset)
            if (offset < (next.get(batch.partition) ?? 0)) continue
            next.set(batch.partition, offset + 1)
            if (remaining.size > 0) stats.readAtStart++
            if (message.value) add(JSON.parse(message.value.toString()) as T, batch.partition, offset)
          }
          passed(batch.partition)
        },
      })
      await ready
      let pruning = false
      pruner = setInterval(() => {
        if (view.size === 0 || pruning) return
        pruning = true
        prune()
          .catch((err: Error) => o.log.warn({ err, topic: o.topic }, 'store-and-forward view: cannot read the replayer’s offsets'))
          .finally(() => (pruning = false))
      }, o.pruneIntervalMs ?? PRUNE_INTERVAL_MS)
      pruner.unref()
      o.log.info({ topic: o.topic, ...stats, entries: view.size }, 'store-and-forward view ready')
    },
    async stop(): Promise<void> {
      clearInterval(pruner)
      await Promise.allSettled([viewConsumer?.disconnect(), admin?.disconnect()])
    },
  }
}

export type LocalQueue<T> = ReturnType<typeof createLocalQueue<T>>
