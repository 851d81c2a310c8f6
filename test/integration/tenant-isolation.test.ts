import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MERCHANT_B, call, cashSale, postSale, storefront, terminal, writerQuery } from '../support/fleet.js'

describe('tenant isolation', () => {
  it('answers 404 to merchant A for merchant B’s sale', async () => {
    const bSale = await postSale('eu-central-1', cashSale('eu-central-1', 1, MERCHANT_B), randomUUID(), terminal('eu-central-1', MERCHANT_B).apiKey)
    expect(bSale.status).toBe(201)
    const asA = await call(`${storefront('eu-central-1')}/v1/sales/${bSale.body.saleId}`, {
      apiKey: terminal('eu-central-1').apiKey,
      headers: { 'x-session-token': bSale.body.sessionToken },
    })
    expect(asA.status).toBe(404)
    expect(asA.body.type).toMatch(/not-found$/)
    const asB = await call(`${storefront('eu-central-1')}/v1/sales/${bSale.body.saleId}`, {
      apiKey: terminal('eu-central-1', MERCHANT_B).apiKey,
      headers: { 'x-session-token': bSale.body.sessionToken },
    })
    expect(asB.status).toBe(200)
  })

  it('refuses a sale from another merchant’s store with 404 and writes nothing', async () => {
    const key = randomUUID()
    const body = { ...cashSale('eu-central-1'), storeId: terminal('eu-central-1', MERCHANT_B).storeId }
    const r = await postSale('eu-central-1', body, key)
    expect(r.status).toBe(404)
    expect(r.body.type).toMatch(/store-not-found$/)
    expect(await writerQuery('SELECT id FROM sales WHERE idempotency_key = ?', [key])).toHaveLength(0)
  })

  it('shows each merchant only its own catalog', async () => {
    const a = await call(`${storefront('us-east-1')}/v1/catalog/items`, { apiKey: terminal('us-east-1').apiKey })
    const b = await call(`${storefront('us-east-1')}/v1/catalog/items`, { apiKey: terminal('us-east-1', MERCHANT_B).apiKey })
    expect(a.body.items.map((i: any) => i.currency)).toEqual(Array(a.body.items.length).fill('USD'))
    expect(b.body.items.map((i: any) => i.currency)).toEqual(Array(b.body.items.length).fill('EUR'))
    const aSkus = new Set(a.body.items.map((i: any) => i.sku))
    expect(b.body.items.some((i: any) => aSkus.has(i.sku))).toBe(false)
  })
})
