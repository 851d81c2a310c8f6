import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Fires `send(scheduledAt)` at a fixed rate for `durationMs`, whatever the server does:
 * a slow answer never delays the next send, so queueing shows up as latency measured
 * from the scheduled time (no coordinated omission).
 */
export async function openLoop(
  rate: number,
  durationMs: number,
  send: (scheduledAt: number) => Promise<void>,
  /** The schedule's origin (performance.now() time), so several loops share one clock. */
  start = performance.now(),
): Promise<void> {
  const intervalMs = 1000 / rate
  // The sends due in [0, durationMs), counted once: comparing start + i × interval with the end
  // can fall a hair short of it and schedule one send too many (5,594/s for 2 s scheduled 11,189).
  const count = Math.ceil((rate * durationMs) / 1000 - 1e-9)
  const inflight: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const due = start + i * intervalMs
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    inflight.push(send(due).catch(() => undefined))
  }
  await Promise.all(inflight)
}
