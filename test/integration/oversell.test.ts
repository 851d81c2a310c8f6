import { beforeAll, describe, expect, it } from 'vitest'
import { cutRegion, healRegion } from '../support/faults.js'
import { postSale, regionIds } from '../support/fleet.js'
import { listOversold, waitSettled, waitStockEverywhere } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'us-east-1' as const

describe('oversell during a partition', () => {
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant({ catalog: [{ sku: 'LAST-2', priceMinor: 500, stock: 2 }, { sku: 'PLENTY', priceMinor: 100, stock: 50 }] })
  })

  it('keeps selling past zero while cut off, then lists the oversold store/SKU everywhere after the heal', async () => {
    const till = t.till(region)
    const none = await listOversold(region, t.managerKey)
    expect(none.body.items).toEqual([])

    await cutRegion(region)
    const sales: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await postSale(till, t.sale(region, [{ sku: 'LAST-2', quantity: 1 }, { sku: 'PLENTY', quantity: 1 }]))
      // A till never refuses a customer for a counter.
      expect(r.status).toBe(202)
      sales.push(r.body.saleId)
    }
    await healRegion(region)
    for (const saleId of sales) await waitSettled(till, saleId)
    await waitStockEverywhere(t, region, 'LAST-2', -1)

    for (const r of regionIds) {
      const listed = await listOversold(r, t.managerKey)
      expect(listed.status).toBe(200)
      expect(listed.body.items).toEqual([{ storeId: till.storeId, sku: 'LAST-2', onHand: -1 }])
    }
    expect((await listOversold(region, till.apiKey)).status).toBe(403)
  })
})
