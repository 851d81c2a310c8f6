import type { FastifyBaseLogger } from 'fastify'
import { isDuplicateKey, isReplicaUnavailable, writePathUnavailable } from './db/errors.js'
import type { WritePathBreaker } from './db/write-path.js'
import { withDeadline } from './deadline.js'
import type { ApplyOutcome } from './replayer.js'
import { Problem } from './problem.js'

/** What a handler sends: status, body and any extra headers. */
export interface Answer<B> {
  status: number
  body: B
  headers?: Record<string, string>
}

/** One write that may go store-and-forward (a sale, an inventory delta). */
export interface QueueableWrite<P, B> {
  breaker: WritePathBreaker
  log: FastifyBaseLogger
  /**
   * What this request may spend on the write path in all (DB_WRITE_TIMEOUT_MS): each call is
   * bounded by it on its own, so an idempotent replay after a duplicate key gets what the
   * commit left, not a fresh deadline per call.
   */
  budgetMs: number
  /** Commits through the write path (insert-if-absent by the write's unique id or key). */
  commit(): Promise<Answer<B>>
  /** The write path already holds this id or key: the idempotent replay, or a conflict. */
  replayCommitted(): Promise<Answer<B>>
  /** The region's durable queue; without one the write answers 503 while the write path is down. */
  queue: { enqueue(item: P): Promise<void> } | undefined
  /** The same request accepted earlier (queued here, or already replicated): its answer, or a conflict. */
  replayEarlier(): Promise<Answer<B> | undefined>
  /** Throws a Problem when this write may not be accepted offline (a card sale over the floor limit). */
  admitOffline?(): Promise<void>
  /** The item to queue, as it will be replayed. */
  pending(): P
  /** The provisional answer (202) for a queued item. */
  provisional(item: P): Answer<B>
}

/**
 * Commit through the write path, or queue locally if the write path is down. An open
 * breaker skips the write path at once; otherwise a failed attempt is bounded by
 * DB_WRITE_TIMEOUT_MS, opens the breaker and falls back to the queue. Idempotency holds
 * in both modes: a retry finds its earlier commit or its queued item. The queue's answer
 * comes only once the broker has the item (acks=all).
 */
export async function commitOrQueue<P, B>(w: QueueableWrite<P, B>): Promise<Answer<B>> {
  if (!w.breaker.isOpen()) {
    const started = performance.now()
    try {
      return await w.commit()
    } catch (err) {
      if (isDuplicateKey(err)) return replayWithinBudget(w, w.budgetMs - (performance.now() - started))
      if (!w.breaker.reportFailure(err)) throw err
      w.log.warn({ err: (err as Error).message }, 'write path down; store-and-forward')
    }
  }
  if (!w.queue) throw writePathUnavailable(new Error('write path down and no local queue configured'))
  const earlier = await replayEarlierIfReadable(w)
  if (earlier) return earlier
  await w.admitOffline?.()
  const item = w.pending()
  try {
    await w.queue.enqueue(item)
  } catch (err) {
    w.log.error({ err }, 'local queue unavailable')
    throw new Problem('temporarily-unavailable', 'neither the write path nor the local queue is available', {}, { 'retry-after': '5' })
  }
  return w.provisional(item)
}

/**
 * A retry's earlier answer: the local queue (in memory) is asked first, then the replica. With
 * the replica down too (the writer region's own database died) the write is queued without
 * that check rather than refused: the replay's insert-if-absent by id and key still keeps it
 * exactly once. The one cost: a retry of something committed before the failure gets a new
 * provisional id, and its replay is absorbed as already applied (logged at reconcile).
 */
async function replayEarlierIfReadable<P, B>(w: QueueableWrite<P, B>): Promise<Answer<B> | undefined> {
  try {
    return await w.replayEarlier()
  } catch (err) {
    if (!isReplicaUnavailable(err)) throw err
    w.log.warn({ err: (err as Error).message }, 'local replica down too; queued without checking it for an earlier commit')
    return undefined
  }
}

/**
 * The replay reads the committed row back through the write path (it may not have replicated
 * yet). Past the budget the caller gets 503 with Retry-After and retries with the same key;
 * the calls themselves still end at their own deadline.
 */
async function replayWithinBudget<P, B>(w: QueueableWrite<P, B>, remainingMs: number): Promise<Answer<B>> {
  try {
    return await withDeadline(Math.max(0, Math.round(remainingMs)), 'idempotent replay on the write path', w.replayCommitted())
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') throw writePathUnavailable(err)
    throw err
  }
}

/**
 * Applies a queued item through the write path, exactly once in effect: a replay of
 * something already committed (redelivery after a crash, or a commit whose answer was
 * lost in the partition) hits the unique keys and counts as done when `sameAsCommitted`
 * says the row there is this item; otherwise the item is `rejected` and never applied.
 */
export async function applyPending(commit: () => Promise<unknown>, sameAsCommitted: () => Promise<boolean>): Promise<ApplyOutcome> {
  try {
    await commit()
    return 'applied'
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    return (await sameAsCommitted()) ? 'already-applied' : 'rejected'
  }
}
