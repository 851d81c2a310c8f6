import pTimeout from 'p-timeout'

/** Rejects if `work` has not settled within `ms`; the work itself is not cancelled. */
export function withDeadline<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  return pTimeout(work, { milliseconds: ms, message: `${what} took longer than ${ms} ms` })
}

/**
 * What a request may spend beyond DB_WRITE_TIMEOUT_MS once the write path missed its
 * deadline: the local fallback (replica reads for idempotency and the floor limit, the
 * region-local Kafka enqueue on a healthy broker) and scheduling on a busy 2-core host.
 * A sale or restock is answered within writeTimeoutMs + this, whatever the WAN does.
 */
export const ANSWER_MARGIN_MS = 1_000

export function answerBoundMs(writeTimeoutMs: number): number {
  return writeTimeoutMs + ANSWER_MARGIN_MS
}
