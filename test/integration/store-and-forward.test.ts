import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { cutRegion, healRegion, waitWritePath } from '../support/faults.js'
import { postSale } from '../support/fleet.js'
import { expectSalesExactly, gatewayCharges, getSale, listCatalog, postDelta, readStock, waitSettled, waitStockEverywhere } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

const region = 'eu-central-1' as const
/** Prices chosen so the floor limits fall exactly on a sale: 2 × 2,500 = 5,000 USD; 3 × 2,500 = 7,500 EUR. */
const catalog = [
  { sku: 'ESP-DBL', priceMinor: 350, stock: 1_000 },
  { sku: 'CRS-BTR', priceMinor: 325, stock: 400 },
  { sku: 'GIFT-25', priceMinor: 2_500, stock: 100 },
]

describe('store-and-forward while a reader region is cut off', () => {
  // A tenant per test, so each test's counts are its own whatever runs before it.
  let shop: Tenant
  let restocks: Tenant
  let usd: Tenant
  let eur: Tenant
  beforeAll(async () => {
    ;[shop, restocks, usd, eur] = await seedTenants({ catalog }, { catalog }, { currency: 'USD', catalog }, { currency: 'EUR', catalog })
  })

  it('accepts sales as provisional within the bounded time, idempotently, and commits each once with its own id after the heal', async () => {
    const till = shop.till(region)
    const accepted = new Map<string, string>()
    await cutRegion(region)

    const cashKey = randomUUID()
    const cash = await postSale(till, shop.sale(region, [{ sku: 'CRS-BTR', quantity: 3 }]), cashKey)
    expect(cash.status).toBe(202)
    expect(cash.body).toMatchObject({ status: 'provisional', totalMinor: 975, currency: 'USD', region })
    // One refused write-path attempt, then the local queue: bounded by DB_WRITE_TIMEOUT_MS (2 s).
    expect(cash.ms).toBeLessThan(2_500)
    accepted.set(cashKey, cash.body.saleId)

    const cardKey = randomUUID()
    const card = await postSale(till, shop.sale(region, 2, { card: 'tok_visa' }), cardKey)
    const retry = await postSale(till, shop.sale(region, 2, { card: 'tok_visa' }), cardKey)
    expect(card.status).toBe(202)
    expect(retry.status).toBe(202)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body.saleId).toBe(card.body.saleId)
    accepted.set(cardKey, card.body.saleId)
    const reused = await postSale(till, shop.sale(region, 3, { card: 'tok_visa' }), cardKey)
    expect(reused.status).toBe(422)
    expect(reused.body.type).toMatch(/idempotency-key-reused$/)

    const read = await getSale(till, cash.body.saleId)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ status: 'provisional', readFrom: 'local-queue' })
    const ready = await waitWritePath(region, false)
    expect(ready.status).toBe(200)
    expect((await listCatalog(till)).status).toBe(200)

    await healRegion(region)
    for (const saleId of accepted.values()) {
      const done = await waitSettled(till, saleId)
      expect(done.payment.status).toBe('captured')
    }
    await expectSalesExactly(shop, accepted)
    expect((await gatewayCharges(card.body.payment.paymentId)).charges).toHaveLength(1)
    // The sales' stock deltas travelled with them: taken off once.
    await waitStockEverywhere(shop, region, 'CRS-BTR', 400 - 3)
  })

  it('queues a restock while cut off, counts it as pendingLocal, and applies it once after the heal', async () => {
    const deltaId = `restock-${randomUUID()}`
    await cutRegion(region)
    const queued = await postDelta(restocks, region, { deltaId, sku: 'ESP-DBL', quantity: 10, reason: 'restock' })
    expect(queued.status).toBe(202)
    expect(queued.body.status).toBe('queued')
    const again = await postDelta(restocks, region, { deltaId, sku: 'ESP-DBL', quantity: 10, reason: 'restock' })
    expect(again.status).toBe(202)
    expect(again.body.replayed).toBe(true)
    expect(await readStock(restocks, region, 'ESP-DBL')).toMatchObject({ onHand: 1_010, pendingLocal: 10 })

    await healRegion(region)
    await waitStockEverywhere(restocks, region, 'ESP-DBL', 1_010)
  })

  it.each([
    ['USD', () => usd, 2, 5_000],
    ['EUR', () => eur, 3, 7_500],
  ] as const)('accepts a %s card sale up to the offline floor limit and refuses one above it with Retry-After', async (_currency, tenant, atFloor, floor) => {
    const t = tenant()
    const till = t.till(region)
    await cutRegion(region)
    const ok = await postSale(till, t.sale(region, [{ sku: 'GIFT-25', quantity: atFloor }], { card: 'tok_visa' }))
    expect(ok.status, JSON.stringify(ok.body)).toBe(202)
    expect(ok.body.totalMinor).toBe(floor)

    const above = await postSale(till, t.sale(region, [{ sku: 'GIFT-25', quantity: atFloor + 1 }], { card: 'tok_visa' }))
    expect(above.status).toBe(503)
    expect(above.headers.get('content-type')).toContain('application/problem+json')
    expect(above.body.type).toMatch(/offline-floor-limit-exceeded$/)
    expect(above.body.floorLimitMinor).toBe(floor)
    expect(Number(above.headers.get('retry-after'))).toBeGreaterThan(0)
    // Cash of the same amount is always accepted.
    const cash = await postSale(till, t.sale(region, [{ sku: 'GIFT-25', quantity: atFloor + 1 }]))
    expect(cash.status).toBe(202)

    await healRegion(region)
    for (const sale of [ok, cash]) await waitSettled(till, sale.body.saleId)
  })
})
