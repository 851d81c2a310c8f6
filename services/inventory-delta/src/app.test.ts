import type { Principal } from '@pos-fleet/platform/auth'
import { createWritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { duplicateKey, memoryQueue, memoryReplica, regionalDeps, replicaDeps, writePathDown } from '@pos-fleet/platform/test-doubles'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from './app.js'
import type { DeltasRepository } from './repositories/deltas-repository.js'
import type { DeltaQueue } from './store-and-forward/delta-queue.js'
import type { PendingDelta } from './store-and-forward/pending.js'

/** inventory-delta in-process: real routes, schemas, auth and error policy; the repository and queue in memory. */

const MANAGER_KEY = 'pos_mgr_test'
const TERMINAL_KEY = 'pos_term_test'
const keys: Record<string, Principal> = {
  [MANAGER_KEY]: { kind: 'manager', id: 'mgr', merchantId: 'm-cafe' },
  [TERMINAL_KEY]: { kind: 'terminal', id: 'term', merchantId: 'm-cafe', storeId: 'st-eu' },
}

type Row = NonNullable<Awaited<ReturnType<DeltasRepository['findOnReplica']>>>

function deltas() {
  const rows = new Map<string, Row>()
  let failure: Error | null = null
  const stock = {
    source: 'replica' as const,
    onHand: async (storeId: string, sku: string) => [...rows.values()].filter((r) => r.storeId === storeId && r.sku === sku).reduce((n, r) => n + r.quantity, 0),
    existingDeltaIds: async (ids: string[]) => new Set(ids.filter((id) => rows.has(id))),
  }
  const repo = {
    // Memory never knows the scope here: every check asks storeOf and skuExists below.
    inScopeFresh: () => false,
    storeOf: async (id: string) => (id === 'st-eu' ? { id, merchantId: 'm-cafe', region: 'eu-central-1', name: 'Frankfurt' } : undefined),
    skuExists: async (_m: string, sku: string) => sku === 'ESP-DBL',
    async append(merchantId: string, region: string, d: { deltaId: string; storeId: string; sku: string; quantity: number; reason: string }) {
      if (failure) throw failure
      if (rows.has(d.deltaId)) throw duplicateKey()
      rows.set(d.deltaId, { ...d, merchantId, originRegion: region, saleId: null, createdAt: '2026-01-01 00:00:00' } as Row)
      return { gtid: '0-1-7' }
    },
    findOnWritePath: async (id: string) => rows.get(id),
    findOnReplica: async (id: string) => rows.get(id),
    oversold: async () => [],
    localStock: stock,
    stockReader: async () => stock,
  } satisfies DeltasRepository
  return { repo, rows, failWith: (err: Error | null) => (failure = err) }
}

const apps: Array<ReturnType<typeof buildApp>> = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

function service(o: { offline?: boolean; queue?: ReturnType<typeof memoryQueue<PendingDelta>> } = {}) {
  const writePath = createWritePathBreaker()
  if (o.offline) writePath.reportFailure(writePathDown())
  const d = deltas()
  const app = buildApp({ ...regionalDeps(keys, { writePath }), deltas: d.repo, deltaQueue: o.queue as unknown as DeltaQueue | undefined })
  apps.push(app)
  return { app, deltas: d }
}

const restock = (deltaId = `d-${Math.random().toString(36).slice(2, 12)}`, quantity = 10) => ({ deltaId, storeId: 'st-eu', sku: 'ESP-DBL', quantity, reason: 'restock' })
const post = (app: ReturnType<typeof buildApp>, payload: object, apiKey = MANAGER_KEY) =>
  app.inject({ method: 'POST', url: '/v1/inventory/deltas', headers: { authorization: `Bearer ${apiKey}` }, payload })

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string; json(): any }, status: number, type: string) {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toContain('application/problem+json')
  expect(res.json().type).toBe(`https://pos-fleet.io/problems/${type}`)
}

describe('POST /v1/inventory/deltas', () => {
  it('applies a restock through the write path and answers 201 with a session token', async () => {
    const { app, deltas } = service()
    const res = await post(app, restock())
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ status: 'applied', sessionToken: '0-1-7', replayed: false })
    expect(deltas.rows.size).toBe(1)
  })

  it('answers a replay of the same delta 200 replayed, and the same id with other content 409 delta-conflict', async () => {
    const { app } = service()
    await post(app, restock('d-replayed-1'))
    const again = await post(app, restock('d-replayed-1'))
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ status: 'applied', replayed: true })
    expectProblem(await post(app, restock('d-replayed-1', 11)), 409, 'delta-conflict')
  })

  it.each([
    ['quantity 0', { quantity: 0 }],
    ['a short deltaId', { deltaId: 'd1' }],
    ['an unknown reason', { reason: 'gift' }],
    ['an unknown field', { note: 'x' }],
  ])('answers 400 validation-failed to %s', async (_what, change) => {
    const { app } = service()
    expectProblem(await post(app, { ...restock(), ...change }), 400, 'validation-failed')
  })

  it('answers 400 to a negative restock or a positive shrinkage and 422 unknown-sku / 404 store-not-found out of the merchant\'s scope', async () => {
    const { app, deltas } = service()
    expectProblem(await post(app, restock(undefined, -5)), 400, 'validation-failed')
    expectProblem(await post(app, { ...restock(), reason: 'shrinkage' }), 400, 'validation-failed')
    expectProblem(await post(app, { ...restock(), sku: 'NOPE' }), 422, 'unknown-sku')
    expectProblem(await post(app, { ...restock(), storeId: 'st-other' }), 404, 'store-not-found')
    expect(deltas.rows.size).toBe(0)
    expect((await post(app, { ...restock(undefined, -5), reason: 'adjustment' })).statusCode).toBe(201)
  })

  it('answers 401 without a key and 403 to a terminal key', async () => {
    const { app } = service()
    expectProblem(await app.inject({ method: 'POST', url: '/v1/inventory/deltas', payload: restock() }), 401, 'unauthorized')
    expectProblem(await post(app, restock(), TERMINAL_KEY), 403, 'forbidden')
  })

  it('queues the delta and answers 202 queued while the write path is down, counting it as pending', async () => {
    const queue = memoryQueue<PendingDelta>((d) => d.deltaId)
    const { app, deltas } = service({ queue, offline: true })
    const res = await post(app, restock('d-offline-1', 4))
    expect(res.statusCode).toBe(202)
    expect(res.json()).toMatchObject({ status: 'queued', replayed: false })
    expect(queue.get('d-offline-1')).toMatchObject({ merchantId: 'm-cafe', originRegion: 'eu-central-1' })
    expect(deltas.rows.size).toBe(0)
    const stock = await app.inject({ method: 'GET', url: '/v1/inventory/st-eu/ESP-DBL', headers: { authorization: `Bearer ${MANAGER_KEY}` } })
    expect(stock.json()).toMatchObject({ onHand: 4, pendingLocal: 4 })
  })

  it('answers 503 write-path-unavailable with Retry-After when there is no local queue', async () => {
    const { app } = service({ offline: true })
    const res = await post(app, restock())
    expectProblem(res, 503, 'write-path-unavailable')
    expect(res.headers['retry-after']).toBe('5')
  })
})

/**
 * The real authenticator, reference caches (and their scope from memory) and stale-if-error
 * policy over a replica held in memory, which a test can make refuse.
 */
function serviceOnReplica() {
  const d = deltas()
  const replica = memoryReplica(keys, {
    store: d.repo.storeOf,
    items: async (_m, skus) => skus.filter((sku) => sku === 'ESP-DBL').map((sku) => ({ sku, name: 'Espresso', priceMinor: 350, currency: 'EUR' })),
  })
  const writePath = createWritePathBreaker()
  const queue = memoryQueue<PendingDelta>((q) => q.deltaId)
  const deps = replicaDeps(replica)
  const repo: DeltasRepository = {
    ...d.repo,
    storeOf: (id) => deps.reference.store(id),
    skuExists: (m, sku) => deps.reference.hasItem(m, sku),
    inScopeFresh: (m, storeId, sku) => deps.reference.inScopeFresh(m, storeId, sku),
    findOnReplica: (id) => replica.query(() => d.repo.findOnReplica(id)),
  }
  const app = buildApp({ ...regionalDeps(keys, { writePath, db: replica.database(), ...deps }), deltas: repo, deltaQueue: queue as unknown as DeltaQueue })
  apps.push(app)
  return { app, replica, writePath, queue, deltas: d }
}

describe('GET /v1/inventory/:storeId/:sku', () => {
  const getStock = (app: ReturnType<typeof buildApp>, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TERMINAL_KEY}` } })

  it('checks the scope on the replica once, then from memory, and still refuses what is out of scope', async () => {
    const { app, replica } = serviceOnReplica()
    const first = await getStock(app, '/v1/inventory/st-eu/ESP-DBL')
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toEqual({ storeId: 'st-eu', sku: 'ESP-DBL', onHand: 0, pendingLocal: 0, replicationLagMs: 12, readFrom: 'replica' })
    const reads = replica.reads.count
    expect((await getStock(app, '/v1/inventory/st-eu/ESP-DBL')).json()).toEqual(first.json())
    expect(replica.reads.count).toBe(reads)
    expectProblem(await getStock(app, '/v1/inventory/st-eu/NOPE'), 422, 'unknown-sku')
    expectProblem(await getStock(app, '/v1/inventory/st-other/ESP-DBL'), 404, 'store-not-found')
  })
})

/**
 * The region's database dies with the write path (the writer region lost): the real
 * authenticator and reference caches over a replica held in memory that starts refusing.
 */
describe('POST /v1/inventory/deltas when the local replica is down', () => {
  it('queues a restock (202) on the key, store and SKU read before, without the replica idempotency check', async () => {
    const { app, replica, writePath, queue } = serviceOnReplica()
    expect((await post(app, restock())).statusCode).toBe(201)
    replica.failWith(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    writePath.reportFailure(writePathDown())
    const res = await post(app, restock('d-offline-1'))
    expect(res.statusCode, res.body).toBe(202)
    expect(res.json()).toMatchObject({ status: 'queued', replayed: false })
    expect(queue.items.has('d-offline-1')).toBe(true)
  })

  it('applies a restock (201) through the write path while only the replica is down', async () => {
    const { app, replica, deltas } = serviceOnReplica()
    await post(app, restock())
    replica.failWith(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    expect((await post(app, restock('d-online-1'))).statusCode).toBe(201)
    expect(deltas.rows.has('d-online-1')).toBe(true)
  })

  it('refuses a store it never read with 503', async () => {
    const { app, replica } = serviceOnReplica()
    await post(app, restock())
    replica.failWith(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    expectProblem(await post(app, { ...restock(), storeId: 'st-us' }), 503, 'temporarily-unavailable')
  })
})
