import { sql } from 'drizzle-orm'
import type { RegionId } from '@pos-fleet/topology'
import { untraced } from '../metrics.js'
import type { Database } from './client.js'
import { heartbeats } from './schema/heartbeats.js'
import type { WritePathBreaker } from './write-path.js'

export interface LagState {
  /** Replica clock minus the newest writer-stamped heartbeat it has applied. */
  replicationLagMs: number | null
  sampledAt: number | null
  error: string | null
}

export interface Ticker {
  stop(): void
}

function every(intervalMs: number, tick: () => Promise<void>): Ticker {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const loop = async () => {
    if (stopped) return
    await untraced(tick)
    if (!stopped) timer = setTimeout(loop, intervalMs)
  }
  timer = setTimeout(loop, 0)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}

/**
 * Stamps this region's heartbeat row with the writer's clock (NOW(6) is evaluated on
 * the writer) through the write path. It is also the breaker's probe: a success closes
 * it, an unavailable error opens it.
 */
export function startHeartbeat(db: Database, region: RegionId, intervalMs: number, breaker: WritePathBreaker): Ticker {
  return every(intervalMs, async () => {
    try {
      await db.write
        .insert(heartbeats)
        .values({ region, beatAt: sql`NOW(6)` })
        .onDuplicateKeyUpdate({ set: { beatAt: sql`NOW(6)` } })
      breaker.reportSuccess()
    } catch (err) {
      breaker.reportFailure(err)
    }
  })
}

/** Samples replication lag from the local replica; heartbeats from every region count. */
export function startLagMonitor(db: Database, intervalMs: number): Ticker & { state(): LagState } {
  const state: LagState = { replicationLagMs: null, sampledAt: null, error: null }
  const ticker = every(intervalMs, async () => {
    try {
      const [row] = await db.read
        .select({ lagUs: sql<string | null>`TIMESTAMPDIFF(MICROSECOND, MAX(${heartbeats.beatAt}), NOW(6))` })
        .from(heartbeats)
      state.replicationLagMs = row?.lagUs == null ? null : Math.max(0, Math.round(Number(row.lagUs) / 1000))
      state.sampledAt = Date.now()
      state.error = null
    } catch (err) {
      state.error = (err as Error).message
    }
  })
  return { ...ticker, state: () => ({ ...state }) }
}
