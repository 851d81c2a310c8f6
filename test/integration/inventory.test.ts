import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MERCHANT_B, call, cashSale, eventually, inventory, manager, postSale, terminal } from '../support/fleet.js'

const region = 'us-east-1' as const
const storeId = () => terminal(region).storeId

async function stock(sku: string, token?: string) {
  return call(`${inventory(region)}/v1/inventory/${storeId()}/${sku}`, {
    apiKey: terminal(region).apiKey,
    headers: token ? { 'x-session-token': token } : {},
  })
}

describe('inventory-delta', () => {
  it('applies a restock once, however often it is sent, and shows it with the session token', async () => {
    const before = (await stock('BEAN-1KG')).body.onHand as number
    const delta = { deltaId: `restock-${randomUUID()}`, storeId: storeId(), sku: 'BEAN-1KG', quantity: 12, reason: 'restock' }
    const first = await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager().apiKey, body: delta })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ status: 'applied', replayed: false })
    const again = await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager().apiKey, body: delta })
    expect(again.status).toBe(200)
    expect(again.body.replayed).toBe(true)
    const after = await stock('BEAN-1KG', first.body.sessionToken)
    expect(after.body.onHand).toBe(before + 12)
    expect(after.body.pendingLocal).toBe(0)
  })

  it('answers 409 when a deltaId is reused for another operation', async () => {
    const deltaId = `adj-${randomUUID()}`
    const body = { deltaId, storeId: storeId(), sku: 'BEAN-1KG', quantity: -1, reason: 'adjustment' }
    expect((await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager().apiKey, body })).status).toBe(201)
    const conflict = await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager().apiKey, body: { ...body, quantity: -2 } })
    expect(conflict.status).toBe(409)
    expect(conflict.body.type).toMatch(/delta-conflict$/)
  })

  it('takes a sale’s lines off the stock, in the sale’s own transaction', async () => {
    const before = (await stock('ESP-DBL')).body.onHand as number
    const sale = await postSale(region, cashSale(region, 4))
    expect(sale.status).toBe(201)
    const after = await stock('ESP-DBL', sale.body.sessionToken)
    expect(after.body.onHand).toBe(before - 4)
  })

  it('refuses deltas from terminals, for other merchants’ stores, and with a wrong sign', async () => {
    const body = { deltaId: `r-${randomUUID()}`, storeId: storeId(), sku: 'BEAN-1KG', quantity: 5, reason: 'restock' }
    expect((await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: terminal(region).apiKey, body })).status).toBe(403)
    const foreign = await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager(MERCHANT_B).apiKey, body })
    expect(foreign.status).toBe(404)
    const negative = await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager().apiKey, body: { ...body, quantity: -5 } })
    expect(negative.status).toBe(400)
    const zero = await call(`${inventory(region)}/v1/inventory/deltas`, { apiKey: manager().apiKey, body: { ...body, quantity: 0 } })
    expect(zero.status).toBe(400)
    expect((await call(`${inventory(region)}/v1/inventory/deltas`, { body })).status).toBe(401)
  })

  it('converges: every region reports the same stock once replicated', async () => {
    const sku = 'LAT-12'
    const values = await eventually(async () => {
      const all = await Promise.all(
        (['ap-southeast-1', 'eu-central-1', 'us-east-1'] as const).map(async (r) =>
          (await call(`${inventory(r)}/v1/inventory/${storeId()}/${sku}`, { apiKey: manager().apiKey })).body.onHand as number,
        ),
      )
      return new Set(all).size === 1 ? all : undefined
    }, 10_000, 'same stock everywhere')
    expect(values[0]).toBeGreaterThan(0)
  })
})
