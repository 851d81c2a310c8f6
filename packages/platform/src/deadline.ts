import pTimeout from 'p-timeout'

/** Rejects if `work` has not settled within `ms`; the work itself is not cancelled. */
export function withDeadline<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  return pTimeout(work, { milliseconds: ms, message: `${what} took longer than ${ms} ms` })
}
