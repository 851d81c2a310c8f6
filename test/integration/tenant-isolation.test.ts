import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { postSale } from '../support/fleet.js'
import { getSale, listCatalog, tenantRows } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

describe('tenant isolation', () => {
  let a: Tenant
  let b: Tenant
  beforeAll(async () => {
    ;[a, b] = await seedTenants(
      { currency: 'USD' },
      { currency: 'EUR', catalog: [{ sku: 'BK-NOVEL', priceMinor: 1_299, stock: 300 }] },
    )
  })

  it('answers 404 to merchant A for merchant B’s sale, even with B’s session token', async () => {
    const bSale = await postSale(b.till('eu-central-1'), b.sale('eu-central-1'))
    expect(bSale.status).toBe(201)
    const asA = await getSale(a.till('eu-central-1'), bSale.body.saleId, bSale.body.sessionToken)
    expect(asA.status).toBe(404)
    expect(asA.body.type).toMatch(/not-found$/)
    expect((await getSale(b.till('eu-central-1'), bSale.body.saleId, bSale.body.sessionToken)).status).toBe(200)
  })

  it('refuses a sale from another merchant’s store with 404 and writes nothing', async () => {
    const before = await tenantRows(a)
    const r = await postSale(a.till('eu-central-1'), { ...a.sale('eu-central-1'), storeId: b.till('eu-central-1').storeId }, randomUUID())
    expect(r.status).toBe(404)
    expect(r.body.type).toMatch(/store-not-found$/)
    expect(await tenantRows(a)).toEqual(before)
  })

  it('shows each merchant only its own catalog', async () => {
    const list = async (t: Tenant) => (await listCatalog(t.till('us-east-1'))).body.items
    const [aItems, bItems] = [await list(a), await list(b)]
    expect(aItems.map((i: any) => [i.sku, i.currency])).toEqual(a.catalog.map((i) => [i.sku, 'USD']).sort())
    expect(bItems.map((i: any) => [i.sku, i.currency])).toEqual([['BK-NOVEL', 'EUR']])
  })
})
