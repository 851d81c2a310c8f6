import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { postSale } from '../support/fleet.js'
import { postDelta, readStock, waitStockEverywhere } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

const region = 'us-east-1' as const

describe('inventory-delta', () => {
  let t: Tenant
  let other: Tenant
  beforeAll(async () => {
    ;[t, other] = await seedTenants({}, {})
  })

  it('applies a restock once, however often it is sent, and shows it with the session token', async () => {
    const delta = { deltaId: `restock-${randomUUID()}`, sku: 'BEAN-1KG', quantity: 12, reason: 'restock' }
    const first = await postDelta(t, region, delta)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ status: 'applied', replayed: false })
    const again = await postDelta(t, region, delta)
    expect(again.status).toBe(200)
    expect(again.body.replayed).toBe(true)
    const after = await readStock(t, region, 'BEAN-1KG', { sessionToken: first.body.sessionToken })
    expect(after).toMatchObject({ onHand: 120 + 12, pendingLocal: 0 })
    await waitStockEverywhere(t, region, 'BEAN-1KG', 132)
  })

  it('answers 409 when a deltaId is reused for another operation', async () => {
    const body = { deltaId: `adj-${randomUUID()}`, sku: 'CRS-BTR', quantity: -1, reason: 'adjustment' }
    expect((await postDelta(t, region, body)).status).toBe(201)
    const conflict = await postDelta(t, region, { ...body, quantity: -2 })
    expect(conflict.status).toBe(409)
    expect(conflict.body.type).toMatch(/delta-conflict$/)
  })

  it('takes a sale’s lines off the stock, in the sale’s own transaction, in every region', async () => {
    const sale = await postSale(t.till(region), t.sale(region, 4))
    expect(sale.status).toBe(201)
    const after = await readStock(t, region, 'ESP-DBL', { sessionToken: sale.body.sessionToken })
    expect(after.onHand).toBe(1_000 - 4)
    await waitStockEverywhere(t, region, 'ESP-DBL', 1_000 - 4)
  })

  it('refuses deltas from terminals, for other merchants’ stores, and with a wrong sign', async () => {
    const body = { deltaId: `r-${randomUUID()}`, sku: 'BEAN-1KG', quantity: 5, reason: 'restock' }
    expect((await postDelta(t, region, body, t.till(region).apiKey)).status).toBe(403)
    expect((await postDelta(t, region, body, other.managerKey)).status).toBe(404)
    expect((await postDelta(t, region, { ...body, quantity: -5 })).status).toBe(400)
    expect((await postDelta(t, region, { ...body, quantity: 0 })).status).toBe(400)
    expect((await postDelta(t, region, body, '')).status).toBe(401)
  })
})
