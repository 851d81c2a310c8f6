import { LRUCache } from 'lru-cache'
import { driverError, isReplicaUnavailable } from './db/errors.js'
import { meter } from './metrics.js'
import { Problem } from './problem.js'

/*
 * Stale-if-error for the reference data a sale or a restock reads from the region's own
 * replica (API keys, stores, floor limits, prices). When that replica dies — in the writer
 * region it is the writer itself — the region must keep selling: provisionally through
 * store-and-forward when the write path is down too, committed when only the replica is.
 * So every value read is remembered, served as today while fresh, and served from memory,
 * up to a staleness bound, only when the replica fails as unavailable (refused, lost, past
 * DB_READ_TIMEOUT_MS). What was never read here is refused: nothing is invented.
 */

const staleReads = meter.createCounter('pos_reference_stale_reads_total', {
  description: 'reference values served from memory because the local replica did not answer',
})
const refusedReads = meter.createCounter('pos_reference_unavailable_total', {
  description: 'reference reads refused: the local replica did not answer and no value within the staleness bound was held',
})

export interface ReplicaReadState {
  up: boolean
  /** ms since epoch of the last reference read the replica answered. */
  lastOkAt: number | null
  /** ms since epoch of the failure that took it down, while down. */
  downSince: number | null
  lastError: string | null
  maxStaleMs: number
}

interface Log {
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

export interface StaleIfErrorOptions {
  /** Oldest value served while the replica is down (REFERENCE_MAX_STALE_MS); 0 turns stale serving off. */
  maxStaleMs: number
  /**
   * After a failure, reads whose values are all held skip the replica this long: a hung
   * replica costs one DB_READ_TIMEOUT_MS, not one per request. A read with a value missing
   * still tries (it is refused otherwise), and the first success brings the replica back.
   */
  retryMs?: number
  log?: Log
  now?: () => number
}

interface Entry<V> {
  value: V
  at: number
}

export interface CacheOptions {
  /** Served without asking the replica this long (0: every read asks; memory is for failures only). */
  freshMs: number
  /** Entries held; the least recently used go first. */
  max: number
}

/** Loads the values of `keys` that exist; a key absent from the answer does not exist. */
export type LoadMany<V> = (keys: string[]) => Promise<Map<string, V>>

export interface StaleIfErrorCache<V> {
  getMany(keys: readonly string[], load: LoadMany<V>): Promise<Map<string, V>>
  /** undefined: the replica says the key does not exist. */
  get(key: string, load: (key: string) => Promise<V | undefined>): Promise<V | undefined>
  /** The value if held and fresh, without a promise (the hot path's cache hit); otherwise undefined: ask `get`. */
  fresh(key: string): V | undefined
}

/**
 * One per process: the replica's health as the caches see it, shared by all of them (one
 * replica behind them all), and the factory of the caches.
 */
export function createStaleIfError(o: StaleIfErrorOptions) {
  const now = o.now ?? Date.now
  const retryMs = o.retryMs ?? 1_000
  const s: ReplicaReadState = { up: true, lastOkAt: null, downSince: null, lastError: null, maxStaleMs: o.maxStaleMs }
  let failedAt = 0

  const reportSuccess = () => {
    if (!s.up) o.log?.info({ downForMs: now() - (s.downSince ?? now()) }, 'local replica answers again; reference data fresh from it')
    s.up = true
    s.lastOkAt = now()
    s.downSince = null
    s.lastError = null
  }
  const reportFailure = (err: unknown) => {
    failedAt = now()
    s.lastError = driverError(err).message ?? String(err)
    if (!s.up) return
    s.up = false
    s.downSince = failedAt
    o.log?.warn({ err: s.lastError, maxStaleMs: o.maxStaleMs }, 'local replica unavailable; serving reference data from memory up to the staleness bound')
  }
  const skipping = () => !s.up && now() - failedAt < retryMs

  function cache<V>(name: string, c: CacheOptions): StaleIfErrorCache<V> {
    const lru = new LRUCache<string, Entry<V>>({ max: c.max })
    const usable = (key: string, t: number): Entry<V> | undefined => {
      const e = lru.peek(key)
      return e && o.maxStaleMs > 0 && t - e.at <= o.maxStaleMs ? e : undefined
    }
    const fromMemory = (keys: string[], t: number, into: Map<string, V>) => {
      for (const k of keys) into.set(k, (usable(k, t) as Entry<V>).value)
      staleReads.add(keys.length, { cache: name })
      return into
    }

    async function getMany(keys: readonly string[], load: LoadMany<V>): Promise<Map<string, V>> {
      const t = now()
      const out = new Map<string, V>()
      const need: string[] = []
      for (const k of new Set(keys)) {
        const e = lru.get(k)
        if (e && t - e.at < c.freshMs) out.set(k, e.value)
        else need.push(k)
      }
      if (need.length === 0) return out
      if (skipping() && need.every((k) => usable(k, t))) return fromMemory(need, t, out)
      let loaded: Map<string, V>
      try {
        loaded = await load(need)
      } catch (err) {
        if (!isReplicaUnavailable(err)) throw err
        reportFailure(err)
        const tFailed = now()
        if (!need.every((k) => usable(k, tFailed))) {
          refusedReads.add(1, { cache: name })
          throw new Problem(
            'temporarily-unavailable',
            `the region's database does not answer and the ${name} this request needs ${o.maxStaleMs > 0 ? `were not read here in the last ${Math.round(o.maxStaleMs / 1000)} s` : 'are never served from memory'}; retry later`,
            {},
            { 'retry-after': '5' },
          )
        }
        return fromMemory(need, tFailed, out)
      }
      reportSuccess()
      const at = now()
      for (const k of need) {
        const v = loaded.get(k)
        // Gone from the replica (a revoked key, a deleted SKU): forgotten, never served stale.
        if (v === undefined) lru.delete(k)
        else {
          lru.set(k, { value: v, at })
          out.set(k, v)
        }
      }
      return out
    }

    return {
      getMany,
      fresh(key) {
        const e = lru.get(key)
        return e && now() - e.at < c.freshMs ? e.value : undefined
      },
      async get(key, load) {
        const found = await getMany([key], async ([k]) => {
          const v = await load(k as string)
          return v === undefined ? new Map() : new Map([[k as string, v]])
        })
        return found.get(key)
      },
    }
  }

  return {
    cache,
    state: (): ReplicaReadState => ({ ...s }),
    /** Whether values read from the replica within the staleness bound are held: the region can still sell. */
    canServeStale: () => o.maxStaleMs > 0 && s.lastOkAt !== null && now() - s.lastOkAt <= o.maxStaleMs,
  }
}

export type StaleIfError = ReturnType<typeof createStaleIfError>
