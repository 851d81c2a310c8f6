import { setTimeout as sleep } from 'node:timers/promises'
import { type Context, ROOT_CONTEXT, type TextMapGetter, context, propagation } from '@opentelemetry/api'
import type { FastifyBaseLogger } from 'fastify'
import type { Consumer, IHeaders, Kafka } from 'kafkajs'
import { observeBacklog } from './backlog.js'
import type { WritePathBreaker } from './db/write-path.js'

/** `rejected`: can never apply (a client bug such as a reused id); logged and counted, not retried. */
export type ApplyOutcome = 'applied' | 'already-applied' | 'rejected'

/** A queued item with the trace context its producer sent in the Kafka headers. */
export interface Queued<T> {
  item: T
  context: Context
}

const PAUSE_MS = 100
const POISON_BACKOFF_MS = 5_000
/** Items per write-path transaction: ~1.5 kB of SQL per sale, well inside one packet and the write deadline. */
const BATCH_SIZE = 100
const CONFIRM_INTERVAL_MS = 250

const headers: TextMapGetter<IHeaders> = {
  keys: (h) => Object.keys(h),
  get: (h, key) => {
    const v = h[key]
    if (v === undefined) return undefined
    return Array.isArray(v) ? v.map(String) : String(v)
  },
}

export interface ReplayerOptions<T> {
  kafka: Kafka
  topic: string
  groupId: string
  breaker: WritePathBreaker
  /** One item, insert-if-absent by its unique id: the one-by-one path. */
  apply: (item: T) => Promise<ApplyOutcome>
  /**
   * Several items in ONE write-path transaction and round trip; returns its GTID. Throws if
   * any item cannot commit (a duplicate or a rejected one): nothing of the batch is then
   * applied, and it is replayed with `apply`, one by one. Without it every item goes one by one.
   */
  applyBatch?: (items: Array<Queued<T>>) => Promise<string>
  /**
   * After a batch did not commit: in ONE look at the write path, which of its items are there
   * already — 'already-applied' (this very item) or 'rejected' (its id or key taken by another) —
   * and undefined for the rest, which are then batched again. Without it the batch goes one by one.
   */
  settled?: (items: T[]) => Promise<Array<ApplyOutcome | undefined>>
  /** The writer's current position: covers what a one-by-one replay applied. */
  writerPosition: () => Promise<string>
  /** One look at the local replica: does it hold this GTID position yet? */
  localHolds: () => Promise<(token: string) => boolean>
  onApplied?: (item: T, outcome: ApplyOutcome) => void
  log: FastifyBaseLogger
  /** How long to wait before looking at the breaker again, and before retrying a failed item. */
  pauseMs?: number
  retryBackoffMs?: number
  batchSize?: number
  /** Partitions replayed at once (each holds a write-path connection while it commits). */
  concurrency?: number
  confirmIntervalMs?: number
}

/**
 * Replays queued items through the write path, in order per key, exactly once in
 * effect: `apply` must be idempotent (insert-if-absent by a unique id), because an item
 * is redelivered after a crash between applying it and committing its offset. While
 * the write path is down the partition waits on the breaker — nothing is skipped, and
 * it does not spin. An item that fails for another reason is retried with a backoff
 * and logged loudly: it holds its partition rather than being dropped.
 *
 * Each partition's items go in batches of consecutive offsets, one transaction per batch;
 * batches of a partition commit one after another (so a key's items keep their order), and
 * partitions run side by side.
 *
 * An offset is committed only once the region's own replica holds the batch's GTID, never
 * just because the writer has it: so below a committed offset every item is readable
 * locally, and the region's views start there and drop what it passes (local-queue.ts).
 */
export function startReplayer<T>(o: ReplayerOptions<T>) {
  const pauseMs = o.pauseMs ?? PAUSE_MS
  const retryBackoffMs = o.retryBackoffMs ?? POISON_BACKOFF_MS
  const batchSize = o.batchSize ?? BATCH_SIZE
  // A crashed replayer's partitions move to a live one after sessionTimeout: keep it short.
  const consumer = o.kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 })
  const confirmations = startConfirmations(consumer, o)
  const stopObserving = observeBacklog(o.kafka, o.groupId, o.topic, o.log)
  let stopping = false

  function checkStopping(): void {
    // Abandon without committing the offset: the item is replayed after restart.
    if (stopping) throw new Error('replayer stopping')
  }

  async function replayOne(q: Queued<T>, offset: string, heartbeat: () => Promise<void>): Promise<void> {
    for (;;) {
      checkStopping()
      if (o.breaker.isOpen()) {
        await heartbeat()
        await sleep(pauseMs)
        continue
      }
      try {
        const outcome = await context.with(q.context, () => o.apply(q.item))
        o.onApplied?.(q.item, outcome)
        // One by one takes a round trip per item: keep the group membership alive meanwhile.
        await heartbeat()
        return
      } catch (err) {
        if (o.breaker.reportFailure(err)) continue
        o.log.error({ err, topic: o.topic, offset }, 'replay of a queued item failed; retrying')
        await heartbeat()
        await sleep(retryBackoffMs)
      }
    }
  }

  /** Applies consecutive items of one partition; returns a GTID position covering them, if known. */
  async function replayBatch(batch: Array<Queued<T> & { offset: string }>, heartbeat: () => Promise<void>): Promise<string | undefined> {
    while (o.applyBatch) {
      checkStopping()
      if (o.breaker.isOpen()) {
        await heartbeat()
        await sleep(pauseMs)
        continue
      }
      try {
        const gtid = await o.applyBatch(batch)
        for (const q of batch) o.onApplied?.(q.item, 'applied')
        return gtid
      } catch (err) {
        if (o.breaker.reportFailure(err)) continue
        o.log.warn({ err, topic: o.topic, from: batch[0]!.offset, items: batch.length }, 'a batch of queued items did not commit as one')
        const rest = await settle(batch)
        if (rest === undefined || rest.length === batch.length) break
        if (rest.length === 0) return o.writerPosition().catch(() => undefined)
        return replayBatch(rest, heartbeat)
      }
    }
    // Every item alone: each finds its own outcome (a duplicate within the batch, say).
    for (const q of batch) await replayOne(q, q.offset, heartbeat)
    return o.writerPosition().catch(() => undefined)
  }

  /** Reports the items the write path already holds (a redelivery, a commit whose answer was lost) and returns the others. */
  async function settle<Q extends Queued<T>>(batch: Q[]): Promise<Q[] | undefined> {
    if (!o.settled) return undefined
    try {
      const outcomes = await o.settled(batch.map((q) => q.item))
      const rest: Q[] = []
      for (const [i, q] of batch.entries()) {
        const outcome = outcomes[i]
        if (outcome === undefined) rest.push(q)
        else o.onApplied?.(q.item, outcome)
      }
      return rest
    } catch (err) {
      o.breaker.reportFailure(err)
      return undefined
    }
  }

  const started = (async () => {
    consumer.on(consumer.events.GROUP_JOIN, (e) => confirmations.keepOnly(e.payload.memberAssignment[o.topic] ?? []))
    await consumer.connect()
    await consumer.subscribe({ topic: o.topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.concurrency ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const messages = batch.messages
        for (let i = 0; i < messages.length && isRunning() && !isStale(); i += batchSize) {
          const slice = messages.slice(i, i + batchSize)
          const items = slice.flatMap((m) =>
            m.value ? [{ item: JSON.parse(m.value.toString()) as T, context: propagation.extract(ROOT_CONTEXT, m.headers ?? {}, headers), offset: m.offset }] : [],
          )
          const position = items.length > 0 ? await replayBatch(items, heartbeat) : undefined
          const last = slice[slice.length - 1]!.offset
          resolveOffset(last)
          if (position !== undefined) confirmations.add(batch.partition, Number(last) + 1, position)
          await heartbeat()
        }
      },
    })
  })()
  started.catch((err: Error) => o.log.error({ err, topic: o.topic }, 'replayer failed to start'))
  return {
    started,
    async stop(): Promise<void> {
      stopping = true
      await confirmations.stop()
      await consumer.disconnect()
      await stopObserving()
    },
  }
}

/**
 * Offsets applied at the writer, waiting for the local replica: each `add` says "below
 * `next`, everything is applied, by position `gtid`". Every interval one look at the replica
 * commits, per partition, the furthest offset whose position (and every earlier one) it holds.
 */
function startConfirmations(consumer: Consumer, o: Pick<ReplayerOptions<unknown>, 'topic' | 'localHolds' | 'log' | 'confirmIntervalMs'>) {
  const waiting = new Map<number, Array<{ next: number; gtid: string }>>()
  let running: Promise<void> | undefined

  async function confirm(): Promise<void> {
    if (waiting.size === 0) return
    const holds = await o.localHolds()
    const commits: Array<{ topic: string; partition: number; offset: string }> = []
    for (const [partition, list] of waiting) {
      let held = 0
      while (held < list.length && holds(list[held]!.gtid)) held++
      if (held === 0) continue
      commits.push({ topic: o.topic, partition, offset: String(list[held - 1]!.next) })
      list.splice(0, held)
      if (list.length === 0) waiting.delete(partition)
    }
    if (commits.length > 0) await consumer.commitOffsets(commits)
  }

  function tick(): void {
    running ??= confirm()
      .catch((err: Error) => o.log.warn({ err, topic: o.topic }, 'cannot commit replayed offsets yet'))
      .finally(() => (running = undefined))
  }
  const timer = setInterval(tick, o.confirmIntervalMs ?? CONFIRM_INTERVAL_MS)
  timer.unref()

  return {
    add(partition: number, next: number, gtid: string): void {
      const list = waiting.get(partition) ?? []
      list.push({ next, gtid })
      waiting.set(partition, list)
    },
    /** After a rebalance: another member replays (and commits) the partitions this one lost. */
    keepOnly(partitions: number[]): void {
      for (const p of waiting.keys()) if (!partitions.includes(p)) waiting.delete(p)
    },
    async stop(): Promise<void> {
      clearInterval(timer)
      await running
      await confirm().catch(() => undefined)
    },
  }
}
