import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setRegionLinks } from '../../packages/fleet/src/infra/toxiproxy.js'
import { call, cardSale, cashSale, eventually, fleet, inventory, manager, postSale, storefront, terminal, writerQuery } from '../support/fleet.js'

const region = 'eu-central-1' as const
const apiKey = () => terminal(region).apiKey

async function stock(sku: string) {
  return (await call(`${inventory(region)}/v1/inventory/${terminal(region).storeId}/${sku}`, { apiKey: apiKey() })).body
}

describe('store-and-forward while a reader region is cut off', () => {
  const provisional: any[] = []
  let stockBefore: number
  const restockId = `restock-${randomUUID()}`

  beforeAll(async () => {
    stockBefore = (await stock('CRS-BTR')).onHand
    await setRegionLinks(region, false)
  })

  afterAll(async () => {
    await setRegionLinks(region, true)
  })

  it('accepts a cash sale as provisional within the bounded time, durably queued', async () => {
    const r = await postSale(region, { ...cashSale(region), lines: [{ sku: 'CRS-BTR', quantity: 3 }], payment: { method: 'cash', amountMinor: 975 } })
    expect(r.status).toBe(202)
    expect(r.body).toMatchObject({ status: 'provisional', totalMinor: 975, region })
    expect(r.ms).toBeLessThan(2_500)
    provisional.push(r.body)
  })

  it('accepts a card sale under the floor limit, idempotently, and refuses one above it', async () => {
    const key = randomUUID()
    const first = await postSale(region, cardSale(region, 'tok_visa', 2), key)
    const retry = await postSale(region, cardSale(region, 'tok_visa', 2), key)
    expect(first.status).toBe(202)
    expect(retry.status).toBe(202)
    expect(retry.body.saleId).toBe(first.body.saleId)
    provisional.push(first.body)

    const other = await postSale(region, cardSale(region, 'tok_visa', 3), key)
    expect(other.status).toBe(422)

    const above = await postSale(region, cardSale(region, 'tok_visa', 20)) // 7,000 > 5,000 floor
    expect(above.status).toBe(503)
    expect(above.body.type).toMatch(/offline-floor-limit-exceeded$/)
    expect(above.body.floorLimitMinor).toBe(5_000)
  })

  it('shows a provisional sale in its region and counts queued stock as pendingLocal', async () => {
    const read = await call(`${storefront(region)}/v1/sales/${provisional[0].saleId}`, { apiKey: apiKey() })
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ status: 'provisional', readFrom: 'local-queue' })

    const queued = await call(`${inventory(region)}/v1/inventory/deltas`, {
      apiKey: manager().apiKey,
      body: { deltaId: restockId, storeId: terminal(region).storeId, sku: 'CRS-BTR', quantity: 10, reason: 'restock' },
    })
    expect(queued.status).toBe(202)
    expect(queued.body.status).toBe('queued')
    const s = await stock('CRS-BTR')
    expect(s.pendingLocal).toBe(10 - 3)
    expect(s.onHand).toBe(stockBefore + 7)
  })

  it('reports the write path down in /readyz while serving reads', async () => {
    const ready = await eventually(async () => {
      const res = await call(`${storefront(region)}/readyz`)
      return res.body.checks.writePath.ok === false ? res : undefined
    }, 10_000, 'write path reported down')
    expect(ready.status).toBe(200)
    expect((await call(`${storefront(region)}/v1/catalog/items`, { apiKey: apiKey() })).status).toBe(200)
  })

  it('after the heal, commits every queued sale once with its own id and captures its payment', async () => {
    await setRegionLinks(region, true)
    for (const p of provisional) {
      const done = await eventually(async () => {
        const r = await call(`${storefront(region)}/v1/sales/${p.saleId}`, { apiKey: apiKey() })
        return r.body?.status === 'committed' && r.body.payment.status === 'captured' ? r.body : undefined
      }, 30_000, `sale ${p.saleId} committed and captured`)
      expect(done.totalMinor).toBe(p.totalMinor)
      const rows = await writerQuery('SELECT id FROM sales WHERE idempotency_key = (SELECT idempotency_key FROM sales WHERE id = ?)', [p.saleId])
      expect(rows).toHaveLength(1)
    }
    const charges = await call(`${fleet.paymentGateway}/v1/charges?paymentId=${provisional[1].payment.paymentId}`)
    expect(charges.body.charges).toHaveLength(1)
  })

  it('applies the queued restock once and converges the stock', async () => {
    const s = await eventually(async () => {
      const v = await stock('CRS-BTR')
      return v.pendingLocal === 0 && v.onHand === stockBefore + 7 ? v : undefined
    }, 20_000, 'stock converged')
    expect(s.onHand).toBe(stockBefore + 7)
    const rows = await writerQuery('SELECT COUNT(*) AS n FROM inventory_deltas WHERE delta_id = ?', [restockId])
    expect(Number(rows[0].n)).toBe(1)
  })
})
