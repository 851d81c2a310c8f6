import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { regionIds, writerQuery } from '../support/fleet.js'
import { postDelta, waitStockEverywhere } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const RUNS = 4
const INITIAL = 100
const skuOf = (run: number) => `CONV-${run}`

/**
 * The counter CRDT's contract, checked against the real services and SQL: each region's
 * inventory-delta receives the same deltas as an arbitrary interleaving of deliveries —
 * reordered, with any delta redelivered (a replay after a crash, a queue drained twice) —
 * and the regions send at once, so duplicates race each other to the writer. Every region
 * must then report the same stock, the seeded stock plus the sum of the distinct deltas,
 * and each delta must have been applied exactly once.
 */
describe('inventory deltas converge under any replay', () => {
  let t: Tenant
  beforeAll(async () => {
    // One SKU per run: runs do not share a counter.
    t = await seedTenant({ catalog: Array.from({ length: RUNS }, (_, i) => ({ sku: skuOf(i), priceMinor: 100, stock: INITIAL })) })
  })

  it('gives every region the same stock, the sum of distinct deltas, each applied once', async () => {
    const store = 'eu-central-1' as const
    let run = 0
    const delta = fc.record({ deltaId: fc.uuid().map((u) => `conv-${u}`), quantity: fc.integer({ min: -50, max: 50 }).filter((q) => q !== 0) })
    const deliveries = fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), fc.infiniteStream(fc.nat())), { minLength: regionIds.length, maxLength: regionIds.length })
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(delta, { selector: (d) => d.deltaId, minLength: 1, maxLength: 6 }), deliveries, async (deltas, perRegion) => {
        const sku = skuOf(run++)
        const answers = await Promise.all(
          regionIds.map(async (region, i) => {
            const [extra, order] = perRegion[i]!
            // Every delta at least once, plus redeliveries, in an arbitrary order.
            const sent = [...deltas, ...extra.map((k) => deltas[k % deltas.length]!)]
              .map((d) => ({ d, k: order.next().value as number }))
              .sort((a, b) => a.k - b.k)
              .map((x) => x.d)
            const statuses: Array<[string, number]> = []
            for (const d of sent) {
              const r = await postDelta(t, region, { ...d, sku, reason: 'adjustment', storeId: t.till(store).storeId })
              statuses.push([d.deltaId, r.status])
            }
            return statuses
          }),
        )
        // Applied (201) exactly once per delta across all regions; every other delivery a replay (200).
        const applied = answers.flat().filter(([, s]) => s === 201).map(([id]) => id)
        expect(applied.sort()).toEqual(deltas.map((d) => d.deltaId).sort())
        expect(answers.flat().every(([, s]) => s === 201 || s === 200)).toBe(true)
        const expected = INITIAL + deltas.reduce((s, d) => s + d.quantity, 0)
        await waitStockEverywhere(t, store, sku, expected, 15_000)
        const [row] = await writerQuery('SELECT COUNT(*) AS n, SUM(quantity) AS total FROM inventory_deltas WHERE store_id = ? AND sku = ?', [t.till(store).storeId, sku])
        expect([Number(row.n), Number(row.total)]).toEqual([deltas.length + 1, expected])
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  })
})
