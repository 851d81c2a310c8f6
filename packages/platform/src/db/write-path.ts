import { driverError, isWritePathUnavailable } from './errors.js'

export interface WritePathState {
  up: boolean
  /** ms since epoch of the last successful write-path call, or null if none yet. */
  lastOkAt: number | null
  lastError: string | null
  /** ms since epoch when the breaker opened, or null while closed. */
  openedAt: number | null
}

/**
 * Circuit breaker over the global write path. One failure that says "unavailable"
 * (timeout, refused, lost connection, read-only) opens it, so later requests fall back
 * at once instead of each waiting out a timeout. While open, the heartbeat is the
 * half-open probe: its first success closes the breaker.
 */
export function createWritePathBreaker(now: () => number = Date.now) {
  const s: WritePathState = { up: true, lastOkAt: null, lastError: null, openedAt: null }
  return {
    state: (): WritePathState => ({ ...s }),
    isOpen: () => !s.up,
    reportSuccess() {
      s.up = true
      s.lastOkAt = now()
      s.lastError = null
      s.openedAt = null
    },
    /** Returns whether the failure counted as the write path being down. */
    reportFailure(err: unknown): boolean {
      if (!isWritePathUnavailable(err)) return false
      if (s.up) s.openedAt = now()
      s.up = false
      s.lastError = driverError(err).message ?? String(err)
      return true
    },
  }
}

export type WritePathBreaker = ReturnType<typeof createWritePathBreaker>
