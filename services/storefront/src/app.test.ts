import { randomUUID } from 'node:crypto'
import type { Principal } from '@pos-fleet/platform/auth'
import { createWritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { duplicateKey, memoryQueue, memoryReplica, regionalDeps, replicaDeps, writePathDown } from '@pos-fleet/platform/test-doubles'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from './app.js'
import type { CatalogRepository } from './repositories/catalog-repository.js'
import type { NewSale, SaleView, SalesRepository } from './repositories/sales-repository.js'
import type { PendingSale } from './store-and-forward/pending-sale.js'
import type { SaleQueue } from './store-and-forward/sale-queue.js'

/**
 * The storefront in-process: real routes, schemas, auth and error policy; stand-ins only
 * for the database-backed repositories and the Kafka queue. What needs the real database
 * (nothing written in any table on bad input) is test/integration/writes-nothing.test.ts.
 */

const TERMINAL_KEY = 'pos_term_test'
const MANAGER_KEY = 'pos_mgr_test'
/** A second terminal of the same store, never seen by the process before its replica dies. */
const OTHER_TERMINAL_KEY = 'pos_term_other'
const terminal: Principal = { kind: 'terminal', id: 'term-eu', merchantId: 'm-cafe', storeId: 'st-eu' }
const keys: Record<string, Principal> = {
  [TERMINAL_KEY]: terminal,
  [MANAGER_KEY]: { kind: 'manager', id: 'mgr', merchantId: 'm-cafe' },
  [OTHER_TERMINAL_KEY]: { ...terminal, id: 'term-eu-2' },
}
const FLOOR_LIMIT = 5_000

const ITEMS = [
  { sku: 'ESP-DBL', name: 'Double espresso', priceMinor: 350, currency: 'EUR' },
  { sku: 'BEAN-1KG', name: 'House beans 1 kg', priceMinor: 3_200, currency: 'EUR' },
  { sku: 'MUG-USD', name: 'Mug', priceMinor: 900, currency: 'USD' },
]

function catalog(): CatalogRepository {
  const stores = new Map([
    ['st-eu', { id: 'st-eu', merchantId: 'm-cafe', region: 'eu-central-1', name: 'Frankfurt' }],
    ['st-us', { id: 'st-us', merchantId: 'm-cafe', region: 'us-east-1', name: 'Virginia' }],
    ['st-other', { id: 'st-other', merchantId: 'm-books', region: 'eu-central-1', name: 'Books' }],
  ])
  return {
    page: async (_m, after, limit) => ITEMS.filter((i) => !after || i.sku > after).slice(0, limit),
    item: async (_m, sku) => ITEMS.find((i) => i.sku === sku),
    prices: async (_m, skus) => ITEMS.filter((i) => skus.includes(i.sku)),
    offlineFloorLimitMinor: async () => FLOOR_LIMIT,
    store: async (id) => stores.get(id),
  }
}

/** Sales held in memory; `failCommitWith` makes the write path fail the next commits. */
function sales() {
  const committed = new Map<string, SaleView & { requestHash: string }>()
  let failure: Error | null = null
  const byKey = async (merchantId: string, key: string) =>
    [...committed.values()].find((s) => s.merchantId === merchantId && (s as unknown as NewSale).idempotencyKey === key)
  const repo: SalesRepository = {
    async commit(sale) {
      if (failure) throw failure
      if ([...committed.values()].some((s) => (s as unknown as NewSale).idempotencyKey === sale.idempotencyKey)) throw duplicateKey()
      committed.set(sale.saleId, { ...sale, status: 'committed', totalMinor: sale.priced.totalMinor, currency: sale.priced.currency, lines: sale.priced.lines, payment: { paymentId: sale.paymentId, method: sale.payment.method, status: 'pending', amountMinor: sale.payment.amountMinor } })
      return { sessionToken: '0-1-42' }
    },
    read: async (merchantId, saleId) => {
      const sale = committed.get(saleId)
      return { sale: sale?.merchantId === merchantId ? sale : undefined, source: 'replica' }
    },
    byKeyOnWritePath: byKey,
    byKeyOnReplica: byKey,
    writerPosition: async () => '0-1-43',
  }
  return { repo, committed, failCommitWith: (err: Error | null) => (failure = err) }
}

function saleQueue() {
  const q = memoryQueue<PendingSale>((s) => s.saleId)
  const findByKey = (merchantId: string, key: string) => [...q.values()].find((s) => s.merchantId === merchantId && s.idempotencyKey === key)
  return Object.assign(q, { findByKey }) as typeof q & { findByKey: typeof findByKey }
}

function storefront(o: { queue?: ReturnType<typeof saleQueue>; offline?: boolean } = {}) {
  const writePath = createWritePathBreaker()
  if (o.offline) writePath.reportFailure(writePathDown())
  const s = sales()
  const app = buildApp({
    ...regionalDeps(keys, { writePath }),
    repositories: { catalog: catalog(), sales: s.repo },
    queue: o.queue as unknown as SaleQueue | undefined,
  })
  apps.push(app)
  return { app, sales: s, writePath }
}

const apps: Array<ReturnType<typeof buildApp>> = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

const cash = (quantity = 1) => ({ storeId: 'st-eu', lines: [{ sku: 'ESP-DBL', quantity }], payment: { method: 'cash', amountMinor: 350 * quantity } })
const card = (sku = 'ESP-DBL', amountMinor = 350) => ({ storeId: 'st-eu', lines: [{ sku, quantity: 1 }], payment: { method: 'card', token: 'tok_visa', amountMinor } })

function post(app: ReturnType<typeof buildApp>, payload: unknown, o: { key?: string | null; apiKey?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...o.headers }
  if (o.apiKey !== null) headers.authorization = `Bearer ${o.apiKey ?? TERMINAL_KEY}`
  if (o.key !== null) headers['idempotency-key'] = o.key ?? randomUUID()
  return app.inject({ method: 'POST', url: '/v1/sales', headers, ...(typeof payload === 'string' ? { payload } : { payload: payload as object }) })
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string; json(): any }, status: number, type: string) {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toContain('application/problem+json')
  expect(res.json()).toMatchObject({ type: `https://pos-fleet.io/problems/${type}`, status })
  expect(res.body).not.toMatch(/at .*\.[jt]s:\d+/)
}

describe('POST /v1/sales', () => {
  describe('happy path', () => {
    it('commits a cash sale priced by the server and answers 201 with a session token', async () => {
      const { app, sales } = storefront()
      const res = await post(app, cash(2))
      expect(res.statusCode).toBe(201)
      expect(res.json()).toMatchObject({ status: 'committed', totalMinor: 700, currency: 'EUR', sessionToken: '0-1-42', payment: { status: 'pending' } })
      expect(sales.committed.size).toBe(1)
    })

    it('answers a retry with the same key and body exactly as the first time', async () => {
      const { app, sales } = storefront()
      const key = randomUUID()
      const first = await post(app, cash(), { key })
      const again = await post(app, { payment: cash().payment, lines: cash().lines, storeId: 'st-eu' }, { key })
      expect(again.statusCode).toBe(201)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.json().saleId).toBe(first.json().saleId)
      expect(sales.committed.size).toBe(1)
    })
  })

  describe('bad input', () => {
    it('answers 400 malformed-json to a body that is not JSON', async () => {
      const { app } = storefront()
      expectProblem(await post(app, '{"storeId": ', { headers: { 'content-type': 'application/json' } }), 400, 'malformed-json')
    })

    it('answers 415 to a body that is not application/json', async () => {
      const { app } = storefront()
      expectProblem(await post(app, 'x=1', { headers: { 'content-type': 'text/plain' } }), 415, 'unsupported-media-type')
    })

    it.each([0, -2, 1.5])('answers 400 validation-failed at /lines/0/quantity to quantity %s', async (quantity) => {
      const { app } = storefront()
      const res = await post(app, { ...cash(), lines: [{ sku: 'ESP-DBL', quantity }] })
      expectProblem(res, 400, 'validation-failed')
      expect(res.json().errors[0].path).toBe('/lines/0/quantity')
    })

    it('answers 400 to unknown fields and to a missing storeId', async () => {
      const { app } = storefront()
      expectProblem(await post(app, { ...cash(), discount: 100 }), 400, 'validation-failed')
      const { storeId: _s, ...noStore } = cash()
      expectProblem(await post(app, noStore), 400, 'validation-failed')
    })

    it('answers 400 idempotency-key-missing without an Idempotency-Key', async () => {
      const { app } = storefront()
      expectProblem(await post(app, cash(), { key: null }), 400, 'idempotency-key-missing')
    })

    it('answers 413 to a body over the limit', async () => {
      const { app } = storefront()
      expectProblem(await post(app, { ...cash(), padding: 'x'.repeat(100 * 1024) }), 413, 'payload-too-large')
    })

    it('answers 422 unknown-sku naming the SKU', async () => {
      const { app } = storefront()
      const res = await post(app, { ...cash(), lines: [{ sku: 'NOPE-1', quantity: 1 }] })
      expectProblem(res, 422, 'unknown-sku')
      expect(res.json().skus).toEqual(['NOPE-1'])
    })

    it('answers 422 currency-mismatch to items priced in different currencies', async () => {
      const { app } = storefront()
      const res = await post(app, { ...cash(), lines: [{ sku: 'ESP-DBL', quantity: 1 }, { sku: 'MUG-USD', quantity: 1 }], payment: { method: 'cash', amountMinor: 1_250 } })
      expectProblem(res, 422, 'currency-mismatch')
    })

    it('answers 422 amount-mismatch with the expected amount when the tender is not the server total', async () => {
      const { app } = storefront()
      const res = await post(app, { ...cash(2), payment: { method: 'cash', amountMinor: 1 } })
      expectProblem(res, 422, 'amount-mismatch')
      expect(res.json().expectedAmountMinor).toBe(700)
    })

    it('answers 400 validation-failed naming payment/token to a card sale without a token (a rule of the schema)', async () => {
      const { app } = storefront()
      const res = await post(app, { ...cash(), payment: { method: 'card', amountMinor: 350 } })
      expectProblem(res, 400, 'validation-failed')
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('/payment')
    })

    it('answers 422 idempotency-key-reused when the key was used with another body', async () => {
      const { app, sales } = storefront()
      const key = randomUUID()
      await post(app, cash(1), { key })
      const res = await post(app, cash(2), { key })
      expectProblem(res, 422, 'idempotency-key-reused')
      expect(sales.committed.size).toBe(1)
    })
  })

  describe('security', () => {
    it('answers 401 with a Bearer challenge to a missing key, and to a wrong key before looking at the body', async () => {
      const { app } = storefront()
      const missing = await post(app, cash(), { apiKey: null })
      expectProblem(missing, 401, 'unauthorized')
      expect(missing.headers['www-authenticate']).toBe('Bearer')
      expectProblem(await post(app, '{not json', { apiKey: 'pos_term_wrong', headers: { 'content-type': 'application/json' } }), 401, 'unauthorized')
    })

    it('answers 403 to an inventory manager key', async () => {
      const { app } = storefront()
      expectProblem(await post(app, cash(), { apiKey: MANAGER_KEY }), 403, 'forbidden')
    })

    it("answers 403 for another of the merchant's stores and 404 store-not-found for another merchant's", async () => {
      const { app, sales } = storefront()
      expectProblem(await post(app, { ...cash(), storeId: 'st-us' }), 403, 'forbidden')
      expectProblem(await post(app, { ...cash(), storeId: 'st-other' }), 404, 'store-not-found')
      expect(sales.committed.size).toBe(0)
    })
  })

  describe('store-and-forward', () => {
    it('answers 202 provisional from the local queue while the breaker is open, without touching the write path', async () => {
      const queue = saleQueue()
      const { app, sales } = storefront({ queue, offline: true })
      sales.failCommitWith(new Error('the write path must not be tried'))
      const res = await post(app, card())
      expect(res.statusCode, res.body).toBe(202)
      expect(res.json()).toMatchObject({ status: 'provisional', totalMinor: 350, payment: { status: 'pending' } })
      expect([...queue.items.keys()]).toEqual([res.json().saleId])
    })

    it('falls back to the queue when a commit finds the write path down, and opens the breaker', async () => {
      const queue = saleQueue()
      const { app, sales, writePath } = storefront({ queue })
      sales.failCommitWith(writePathDown())
      expect((await post(app, cash())).statusCode).toBe(202)
      expect(writePath.isOpen()).toBe(true)
    })

    it('answers a retry of a queued sale with the same provisional sale, queued once', async () => {
      const queue = saleQueue()
      const { app } = storefront({ queue, offline: true })
      const key = randomUUID()
      const first = await post(app, cash(), { key })
      const again = await post(app, cash(), { key })
      expect(again.statusCode).toBe(202)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.json().saleId).toBe(first.json().saleId)
      expect(queue.items.size).toBe(1)
    })

    it('answers 422 idempotency-key-reused to a queued key sent with another body', async () => {
      const { app } = storefront({ queue: saleQueue(), offline: true })
      const key = randomUUID()
      await post(app, cash(1), { key })
      expectProblem(await post(app, cash(2), { key }), 422, 'idempotency-key-reused')
    })

    it('answers 503 offline-floor-limit-exceeded with Retry-After to a card sale over the floor limit, and queues nothing', async () => {
      const queue = saleQueue()
      const { app } = storefront({ queue, offline: true })
      const res = await post(app, { ...card('BEAN-1KG', 6_400), lines: [{ sku: 'BEAN-1KG', quantity: 2 }] })
      expectProblem(res, 503, 'offline-floor-limit-exceeded')
      expect(res.headers['retry-after']).toBe('5')
      expect(res.json().floorLimitMinor).toBe(FLOOR_LIMIT)
      expect(queue.items.size).toBe(0)
    })

    it('accepts cash over the floor limit offline', async () => {
      const { app } = storefront({ queue: saleQueue(), offline: true })
      const res = await post(app, { storeId: 'st-eu', lines: [{ sku: 'BEAN-1KG', quantity: 2 }], payment: { method: 'cash', amountMinor: 6_400 } })
      expect(res.statusCode).toBe(202)
    })

    it('answers 503 temporarily-unavailable with Retry-After when the local queue is down too', async () => {
      const queue = saleQueue()
      queue.failWith(new Error('broker down'))
      const { app } = storefront({ queue, offline: true })
      const res = await post(app, cash())
      expectProblem(res, 503, 'temporarily-unavailable')
      expect(res.headers['retry-after']).toBe('5')
    })

    it('answers 503 write-path-unavailable with Retry-After when there is no local queue', async () => {
      const { app } = storefront({ offline: true })
      const res = await post(app, cash())
      expectProblem(res, 503, 'write-path-unavailable')
      expect(res.headers['retry-after']).toBe('5')
    })
  })
})

describe('GET /v1/sales/:saleId', () => {
  it('reads a committed sale back', async () => {
    const { app } = storefront()
    const made = (await post(app, cash())).json()
    const res = await app.inject({ method: 'GET', url: `/v1/sales/${made.saleId}`, headers: { authorization: `Bearer ${TERMINAL_KEY}` } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ saleId: made.saleId, readFrom: 'replica' })
    expect(res.json().requestHash).toBeUndefined()
  })

  it('reads a queued sale from the local queue as provisional', async () => {
    const { app } = storefront({ queue: saleQueue(), offline: true })
    const made = (await post(app, cash())).json()
    const res = await app.inject({ method: 'GET', url: `/v1/sales/${made.saleId}`, headers: { authorization: `Bearer ${TERMINAL_KEY}` } })
    expect(res.json()).toMatchObject({ saleId: made.saleId, status: 'provisional', readFrom: 'local-queue' })
  })

  it('answers 400 to a sale id that is not a UUID and to a malformed session token', async () => {
    const { app } = storefront()
    const authorization = `Bearer ${TERMINAL_KEY}`
    expectProblem(await app.inject({ method: 'GET', url: '/v1/sales/not-a-uuid', headers: { authorization } }), 400, 'validation-failed')
    expectProblem(
      await app.inject({ method: 'GET', url: `/v1/sales/${randomUUID()}`, headers: { authorization, 'x-session-token': 'DROP TABLE' } }),
      400,
      'validation-failed',
    )
  })

  it('answers 404 not-found for an unknown sale', async () => {
    const { app } = storefront()
    expectProblem(await app.inject({ method: 'GET', url: `/v1/sales/${randomUUID()}`, headers: { authorization: `Bearer ${TERMINAL_KEY}` } }), 404, 'not-found')
  })
})

describe('GET /v1/catalog/items', () => {
  it('pages the catalog with a cursor', async () => {
    const { app } = storefront()
    const res = await app.inject({ method: 'GET', url: '/v1/catalog/items?limit=2', headers: { authorization: `Bearer ${TERMINAL_KEY}` } })
    expect(res.json()).toEqual({ items: ITEMS.slice(0, 2), nextCursor: 'BEAN-1KG' })
  })

  it('answers 400 to a limit out of range', async () => {
    const { app } = storefront()
    expectProblem(await app.inject({ method: 'GET', url: '/v1/catalog/items?limit=0', headers: { authorization: `Bearer ${TERMINAL_KEY}` } }), 400, 'validation-failed')
  })
})

describe('the /v1 scope', () => {
  it('answers an unknown /v1 path 401 without a key and 404 with one', async () => {
    const { app } = storefront()
    expectProblem(await app.inject({ method: 'GET', url: '/v1/nope' }), 401, 'unauthorized')
    expectProblem(await app.inject({ method: 'GET', url: '/v1/nope', headers: { authorization: `Bearer ${TERMINAL_KEY}` } }), 404, 'not-found')
  })

  it('answers an unknown path outside /v1 404 without asking for a key', async () => {
    const { app } = storefront()
    expectProblem(await app.inject({ method: 'GET', url: '/nope' }), 404, 'not-found')
  })

  it('answers a method a /v1 path does not serve 405 with Allow, and 401 first without a key', async () => {
    const { app } = storefront()
    const auth = { authorization: `Bearer ${TERMINAL_KEY}` }
    const other = await app.inject({ method: 'DELETE', url: '/v1/sales', headers: auth })
    expectProblem(other, 405, 'method-not-allowed')
    expect(other.headers.allow).toBe('POST')
    expect((await app.inject({ method: 'PUT', url: `/v1/sales/${randomUUID()}`, headers: auth })).headers.allow).toBe('GET, HEAD')
    // A body method with no Content-Type fails in the parser, before the not-found handler: still 405.
    expectProblem(await app.inject({ method: 'QUERY', url: '/v1/catalog/items', headers: auth }), 405, 'method-not-allowed')
    expectProblem(await app.inject({ method: 'DELETE', url: '/v1/sales' }), 401, 'unauthorized')
  })
})

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document without a key, every /v1 operation with its security scheme', async () => {
    const { app } = storefront()
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/v1/sales'].post.security).toEqual([{ terminalKey: [] }])
    expect(doc.paths['/v1/sales'].post.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }))
    expect(doc.paths['/v1/sales'].post.responses['503'].headers['retry-after']).toBeDefined()
  })
})

describe('operations routes outside /v1', () => {
  it('serve /healthz and /readyz without an API key', async () => {
    const { app } = storefront()
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({ region: 'eu-central-1', role: 'reader', ready: true, replicationLagMs: 12, checks: { readReplica: { ok: true } } })
  })

  it('report the write path down in /readyz but stay ready', async () => {
    const { app } = storefront({ offline: true })
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json().checks.writePath).toMatchObject({ ok: false, critical: false })
  })

  it('serve Prometheus metrics', async () => {
    const { app } = storefront()
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('# HELP')
  })
})

/**
 * The writer region's database dies: storefront's local replica (there, the writer itself)
 * stops answering. The real authenticator, reference caches and catalog repository run over a
 * replica held in memory that starts failing with ECONNREFUSED; sales were made before.
 */
describe('when the local replica is down', () => {
  function storefrontOnReplica(o: { offline?: boolean; now?: () => number } = {}) {
    const fixtures = catalog()
    const replica = memoryReplica(keys, {
      store: fixtures.store,
      offlineFloorLimitMinor: fixtures.offlineFloorLimitMinor,
      items: (_m, skus) => fixtures.prices('m-cafe', skus),
    })
    const writePath = createWritePathBreaker()
    if (o.offline) writePath.reportFailure(writePathDown())
    const s = sales()
    const queue = saleQueue()
    const app = buildApp({
      ...regionalDeps(keys, { writePath, db: replica.database(), ...replicaDeps(replica, undefined, o.now) }),
      repositories: { sales: s.repo },
      queue: queue as unknown as SaleQueue,
    })
    apps.push(app)
    return { app, replica, sales: s, queue, writePath }
  }
  const dies = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18306'), { code: 'ECONNREFUSED' })

  it('commits a sale (201) through the write path on the key, prices and floor limit read before', async () => {
    const { app, replica, sales } = storefrontOnReplica()
    expect((await post(app, card())).statusCode).toBe(201)
    replica.failWith(dies())
    const res = await post(app, card())
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ status: 'committed', totalMinor: 350, currency: 'EUR' })
    expect(sales.committed.size).toBe(2)
  })

  it('queues a card sale (202 provisional) when the write path is down too, under the floor limit held in memory', async () => {
    const { app, replica, queue, writePath } = storefrontOnReplica()
    expect((await post(app, card())).statusCode).toBe(201)
    replica.failWith(dies())
    writePath.reportFailure(writePathDown())
    const res = await post(app, card())
    expect(res.statusCode, res.body).toBe(202)
    expect(res.json()).toMatchObject({ status: 'provisional', totalMinor: 350 })
    expect(queue.items.size).toBe(1)
  })

  it('answers a retry of a queued sale with the same provisional receipt', async () => {
    const { app, replica, writePath } = storefrontOnReplica()
    await post(app, card())
    replica.failWith(dies())
    writePath.reportFailure(writePathDown())
    const first = await post(app, card(), { key: 'retry-me' })
    const again = await post(app, card(), { key: 'retry-me' })
    expect(again.statusCode).toBe(202)
    expect(again.json().saleId).toBe(first.json().saleId)
  })

  it('accepts the till key past its 10 s TTL up to REFERENCE_MAX_STALE_MS (1 h), and refuses it after', async () => {
    let t = 1_000_000
    const { app, replica } = storefrontOnReplica({ now: () => t })
    await post(app, card())
    replica.failWith(dies())
    t += 3_600_000
    expect((await post(app, card())).statusCode).toBe(201)
    t += 1
    expectProblem(await post(app, card()), 503, 'temporarily-unavailable')
  })

  it('refuses an API key it never resolved with 503 and Retry-After, not as a principal', async () => {
    const { app, replica, sales } = storefrontOnReplica()
    await post(app, card())
    replica.failWith(dies())
    const res = await post(app, card(), { apiKey: OTHER_TERMINAL_KEY })
    expectProblem(res, 503, 'temporarily-unavailable')
    expect(res.headers['retry-after']).toBe('5')
    expect(sales.committed.size).toBe(1)
  })

  it('refuses a SKU it never priced with 503: it never invents a price', async () => {
    const { app, replica, sales } = storefrontOnReplica()
    await post(app, card())
    replica.failWith(dies())
    expectProblem(await post(app, card('BEAN-1KG', 3_200)), 503, 'temporarily-unavailable')
    expect(sales.committed.size).toBe(1)
  })

  it('reports the replica down in /readyz and stays ready while it sells from memory; /healthz stays up', async () => {
    const { app, replica } = storefrontOnReplica()
    await post(app, card())
    replica.failWith(dies())
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json().checks.readReplica).toMatchObject({ ok: false, critical: false, detail: expect.stringContaining('ECONNREFUSED') })
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  })

  it('is not ready when its replica is down and it never read from it: it could only refuse', async () => {
    const { app, replica } = storefrontOnReplica()
    replica.failWith(dies())
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().checks.readReplica).toMatchObject({ ok: false })
  })

  it('reads fresh again once the replica answers', async () => {
    const { app, replica } = storefrontOnReplica()
    await post(app, card())
    replica.failWith(dies())
    await post(app, card())
    replica.failWith(null)
    const before = replica.reads.count
    expect((await post(app, card('BEAN-1KG', 3_200))).statusCode).toBe(201)
    expect(replica.reads.count).toBeGreaterThan(before)
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks.readReplica).toEqual({ ok: true })
  })
})
