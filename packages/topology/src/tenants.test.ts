import { describe, expect, it } from 'vitest'
import { REGION_IDS } from './regions.js'
import { MERCHANTS, catalogItem, seedPlan, storeId, terminalId } from './tenants.js'

describe('the demo tenants', () => {
  it('seeds every merchant with its catalog, a manager and a store and terminal per region', () => {
    const plan = seedPlan('eu-central-1')
    expect(plan.merchants.map((m) => m.id)).toEqual(MERCHANTS.map((m) => m.id))
    expect(plan.managers).toHaveLength(MERCHANTS.length)
    for (const m of MERCHANTS) {
      for (const r of REGION_IDS) {
        const store = plan.stores.find((s) => s.merchantId === m.id && s.region === r)
        expect(store?.id).toBe(storeId(m.id, r))
        expect(plan.terminals.find((t) => t.storeId === store?.id)?.id).toBe(terminalId(store!.id))
        for (const item of m.catalog) {
          expect(plan.stockDeltas.find((d) => d.storeId === store?.id && d.sku === item.sku)).toMatchObject({ quantity: item.initialStock, originRegion: 'eu-central-1' })
        }
      }
      for (const item of m.catalog) expect(plan.catalogItems).toContainEqual({ merchantId: m.id, sku: item.sku, name: item.name, priceMinor: item.priceMinor, currency: m.currency })
    }
  })

  it('uses every id once', () => {
    const plan = seedPlan()
    for (const ids of [plan.stores.map((s) => s.id), plan.terminals.map((t) => t.id), plan.stockDeltas.map((d) => d.deltaId), plan.managers.map((m) => m.id)]) {
      expect(new Set(ids).size).toBe(ids.length)
    }
  })

  it('looks up a catalog item with its price, and refuses an unknown one', () => {
    expect(catalogItem('mer_harbour', 'ESP-DBL')).toMatchObject({ priceMinor: MERCHANTS[0].catalog[0].priceMinor })
    expect(() => catalogItem('mer_harbour', 'BK-NOVEL')).toThrow(/sells no BK-NOVEL/)
    expect(() => catalogItem('mer_nobody', 'ESP-DBL')).toThrow(/unknown demo merchant/)
  })
})
