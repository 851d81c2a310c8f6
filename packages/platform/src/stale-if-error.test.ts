import { describe, expect, it } from 'vitest'
import { PoolDeadlineError } from './db/bounded-pool.js'
import { Problem } from './problem.js'
import { createStaleIfError } from './stale-if-error.js'

const HOUR = 3_600_000
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18306'), { code: 'ECONNREFUSED' })

/** A replica table behind a counter; `down` makes it fail the way `failure` says. */
function replica(rows: Record<string, string>) {
  const table = new Map(Object.entries(rows))
  const s = { reads: 0, down: false as boolean, failure: refused as () => Error }
  const loadMany = async (keys: string[]) => {
    s.reads++
    if (s.down) throw s.failure()
    return new Map(keys.flatMap((k) => (table.has(k) ? [[k, table.get(k) as string] as const] : [])))
  }
  const load = async (key: string) => (await loadMany([key])).get(key)
  return { table, s, loadMany, load }
}

function clock(start = 1_000_000) {
  const c = { t: start }
  return { now: () => c.t, advance: (ms: number) => (c.t += ms) }
}

function setup(o: { freshMs?: number; maxStaleMs?: number; retryMs?: number } = {}) {
  const time = clock()
  const policy = createStaleIfError({ maxStaleMs: o.maxStaleMs ?? HOUR, retryMs: o.retryMs ?? 1_000, now: time.now })
  const cache = policy.cache<string>('prices', { freshMs: o.freshMs ?? 0, max: 100 })
  return { time, policy, cache }
}

describe('createStaleIfError', () => {
  describe('while the replica answers', () => {
    it('reads through on every call when freshMs is 0, so a change applies at once', async () => {
      const { cache } = setup()
      const db = replica({ a: '100' })
      expect(await cache.get('a', db.load)).toBe('100')
      db.table.set('a', '120')
      expect(await cache.get('a', db.load)).toBe('120')
      expect(db.s.reads).toBe(2)
    })

    it('serves a fresh value without a read within freshMs, and reads again after', async () => {
      const { cache, time } = setup({ freshMs: 10_000 })
      const db = replica({ a: '100' })
      await cache.get('a', db.load)
      time.advance(9_999)
      await cache.get('a', db.load)
      expect(db.s.reads).toBe(1)
      time.advance(1)
      await cache.get('a', db.load)
      expect(db.s.reads).toBe(2)
    })

    it('hands out a fresh value synchronously through fresh(), and nothing once it is not fresh', async () => {
      const { cache, time } = setup({ freshMs: 10_000 })
      const db = replica({ a: '100' })
      expect(cache.fresh('a')).toBeUndefined()
      await cache.get('a', db.load)
      time.advance(9_999)
      expect(cache.fresh('a')).toBe('100')
      time.advance(1)
      expect(cache.fresh('a')).toBeUndefined()
      expect(db.s.reads).toBe(1)
    })

    it('reads only the keys it does not hold fresh, in one load', async () => {
      const { cache } = setup({ freshMs: 10_000 })
      const db = replica({ a: '1', b: '2', c: '3' })
      await cache.getMany(['a'], db.loadMany)
      const asked: string[][] = []
      const got = await cache.getMany(['a', 'b', 'c', 'b'], (keys) => {
        asked.push(keys)
        return db.loadMany(keys)
      })
      expect(asked).toEqual([['b', 'c']])
      expect(Object.fromEntries(got)).toEqual({ a: '1', b: '2', c: '3' })
    })

    it('answers an unknown key as absent', async () => {
      const { cache } = setup()
      expect(await cache.get('nope', replica({}).load)).toBeUndefined()
    })
  })

  describe('when the replica fails as unavailable', () => {
    it('serves the last value read, refused, lost or past its deadline alike', async () => {
      for (const failure of [refused, () => Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), () => new PoolDeadlineError('local replica query', 2_000, 'local replica')]) {
        const { cache, policy } = setup()
        const db = replica({ a: '100' })
        await cache.get('a', db.load)
        Object.assign(db.s, { down: true, failure })
        expect(await cache.get('a', db.load)).toBe('100')
        expect(policy.state()).toMatchObject({ up: false })
      }
    })

    it('refuses a key it never read, with 503 and Retry-After: it never invents a value', async () => {
      const { cache } = setup()
      const db = replica({ a: '100', b: '200' })
      await cache.get('a', db.load)
      db.s.down = true
      const err = await cache.getMany(['a', 'b'], db.loadMany).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(Problem)
      expect(err).toMatchObject({ code: 'temporarily-unavailable', status: 503, headers: { 'retry-after': '5' } })
    })

    it('stops serving a value once it is older than maxStaleMs', async () => {
      const { cache, time } = setup({ maxStaleMs: 60_000 })
      const db = replica({ a: '100' })
      await cache.get('a', db.load)
      db.s.down = true
      time.advance(60_000)
      expect(await cache.get('a', db.load)).toBe('100')
      time.advance(1)
      await expect(cache.get('a', db.load)).rejects.toMatchObject({ code: 'temporarily-unavailable' })
    })

    it('serves nothing stale when maxStaleMs is 0', async () => {
      const { cache } = setup({ maxStaleMs: 0 })
      const db = replica({ a: '100' })
      await cache.get('a', db.load)
      db.s.down = true
      await expect(cache.get('a', db.load)).rejects.toMatchObject({ code: 'temporarily-unavailable' })
    })

    it('forgets a key the replica said is gone (a revoked key), so it is refused while the replica is down', async () => {
      const { cache } = setup()
      const db = replica({ a: '100' })
      await cache.get('a', db.load)
      db.table.delete('a')
      expect(await cache.get('a', db.load)).toBeUndefined()
      db.s.down = true
      await expect(cache.get('a', db.load)).rejects.toMatchObject({ code: 'temporarily-unavailable' })
    })

    it('skips the replica for retryMs after a failure when it holds every value, then tries it again', async () => {
      const { cache, time, policy } = setup({ retryMs: 1_000 })
      const db = replica({ a: '100' })
      await cache.get('a', db.load)
      db.s.down = true
      await cache.get('a', db.load)
      const reads = db.s.reads
      time.advance(999)
      expect(await cache.get('a', db.load)).toBe('100')
      expect(db.s.reads).toBe(reads)
      time.advance(1)
      db.s.down = false
      db.table.set('a', '130')
      expect(await cache.get('a', db.load)).toBe('130')
      expect(policy.state()).toMatchObject({ up: true, lastError: null })
    })

    it('still asks the replica for a key it does not hold while skipping', async () => {
      const { cache } = setup()
      const db = replica({ a: '100', b: '200' })
      await cache.get('a', db.load)
      db.s.down = true
      await cache.get('a', db.load)
      db.s.down = false
      expect(await cache.get('b', db.load)).toBe('200')
    })

    it('passes on an error that is not unavailability (a bad statement) and serves nothing stale for it', async () => {
      const { cache, policy } = setup()
      const db = replica({ a: '100' })
      await cache.get('a', db.load)
      Object.assign(db.s, { down: true, failure: () => Object.assign(new Error('syntax'), { errno: 1064 }) })
      await expect(cache.get('a', db.load)).rejects.toThrow('syntax')
      expect(policy.state().up).toBe(true)
    })
  })

  describe('canServeStale (readiness)', () => {
    it('is false before any read, true within maxStaleMs of the last good read, false after', async () => {
      const { cache, time, policy } = setup({ maxStaleMs: 60_000 })
      expect(policy.canServeStale()).toBe(false)
      await cache.get('a', replica({ a: '1' }).load)
      time.advance(60_000)
      expect(policy.canServeStale()).toBe(true)
      time.advance(1)
      expect(policy.canServeStale()).toBe(false)
    })
  })

  it('keeps at most max entries, dropping the least recently used', async () => {
    const time = clock()
    const policy = createStaleIfError({ maxStaleMs: HOUR, now: time.now })
    const cache = policy.cache<string>('stores', { freshMs: 0, max: 2 })
    const db = replica({ a: '1', b: '2', c: '3' })
    for (const k of ['a', 'b', 'c']) await cache.get(k, db.load)
    db.s.down = true
    expect(await cache.get('c', db.load)).toBe('3')
    await expect(cache.get('a', db.load)).rejects.toMatchObject({ code: 'temporarily-unavailable' })
  })
})
