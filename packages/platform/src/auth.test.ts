import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { type Principal, createApiKeyAuthenticator } from './auth.js'
import { sha256Hex } from './hashing.js'
import { Problem } from './problem.js'
import { createStaleIfError } from './stale-if-error.js'

const terminal: Principal = { kind: 'terminal', id: 'term-1', merchantId: 'm-1', storeId: 's-1' }
const request = (key?: string) => ({ headers: key === undefined ? {} : { authorization: `Bearer ${key}` } }) as FastifyRequest

/** A key table that counts its look-ups. */
function keyTable(keys: Record<string, Principal>) {
  const byHash = new Map(Object.entries(keys).map(([k, p]) => [sha256Hex(k), p]))
  const counter = { lookups: 0 }
  const lookup = async (hash: string) => {
    counter.lookups++
    return byHash.get(hash) ?? null
  }
  return { lookup, counter }
}

describe('createApiKeyAuthenticator', () => {
  it('resolves a known key once and then from the cache', async () => {
    const { lookup, counter } = keyTable({ good: terminal })
    const authenticate = createApiKeyAuthenticator(lookup)
    expect(await authenticate(request('good'))).toEqual(terminal)
    // A fresh cache hit is answered synchronously, the principal itself rather than a promise.
    expect(authenticate(request('good'))).toEqual(terminal)
    expect(counter.lookups).toBe(1)
  })

  it('keeps a known key cached through a flood of random unknown keys', async () => {
    const { lookup, counter } = keyTable({ good: terminal })
    const authenticate = createApiKeyAuthenticator(lookup, { knownMax: 100, unknownMax: 50 })
    await authenticate(request('good'))
    for (let i = 0; i < 2_000; i++) await expect(authenticate(request(randomUUID()))).rejects.toThrow(Problem)
    const before = counter.lookups
    expect(await authenticate(request('good'))).toEqual(terminal)
    expect(counter.lookups).toBe(before)
  })

  it('looks an unknown key up once per TTL, not once per request', async () => {
    const { lookup, counter } = keyTable({})
    const authenticate = createApiKeyAuthenticator(lookup)
    for (let i = 0; i < 5; i++) await expect(authenticate(request('nope'))).rejects.toMatchObject({ code: 'unauthorized' })
    expect(counter.lookups).toBe(1)
  })

  it('rejects a missing or malformed Authorization header with 401 and a Bearer challenge, without a look-up', async () => {
    const { lookup, counter } = keyTable({})
    const authenticate = createApiKeyAuthenticator(lookup)
    for (const r of [request(), { headers: { authorization: 'Basic abc' } } as FastifyRequest]) {
      // Thrown synchronously (no promise on the hot path): the hook hands it to fastify as done(err).
      expect(() => authenticate(r)).toThrow(expect.objectContaining({ status: 401, headers: { 'www-authenticate': 'Bearer' } }))
    }
    expect(counter.lookups).toBe(0)
  })

  describe('while the local replica is down', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    function flakyTable() {
      const { lookup, counter } = keyTable({ good: terminal })
      const state = { down: false }
      return { state, counter, lookup: async (hash: string) => (state.down ? Promise.reject(down) : lookup(hash)) }
    }

    it('keeps accepting a key it resolved, past its TTL, up to the staleness bound', async () => {
      let t = 0
      const staleIfError = createStaleIfError({ maxStaleMs: 60_000, now: () => t })
      const table = flakyTable()
      const authenticate = createApiKeyAuthenticator(table.lookup, { ttlMs: 10_000, staleIfError })
      await authenticate(request('good'))
      table.state.down = true
      t = 60_000
      expect(await authenticate(request('good'))).toEqual(terminal)
      t = 60_001
      await expect(authenticate(request('good'))).rejects.toMatchObject({ code: 'temporarily-unavailable', status: 503 })
    })

    it('refuses a key it never resolved with 503, never as a principal', async () => {
      const table = flakyTable()
      const authenticate = createApiKeyAuthenticator(table.lookup, { staleIfError: createStaleIfError({ maxStaleMs: 60_000 }) })
      table.state.down = true
      await expect(authenticate(request('good'))).rejects.toMatchObject({ code: 'temporarily-unavailable', status: 503 })
    })
  })
})
