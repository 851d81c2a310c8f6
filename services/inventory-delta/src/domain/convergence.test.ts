import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stockOf } from './delta.js'

/**
 * The counter CRDT's contract, checked over generated histories: each region applies
 * the same set of deltas as an arbitrary interleaving of deliveries — reordered, and
 * with any delta redelivered any number of times (a replay after a crash, a queue
 * drained twice) — through insert-if-absent. Every region must end with the same
 * stock, equal to the sum of the distinct deltas.
 */
const delta = fc.record({ deltaId: fc.uuid(), quantity: fc.integer({ min: -50, max: 50 }).filter((q) => q !== 0) })

/** What the database does: INSERT keyed by deltaId, a duplicate changes nothing. */
function applyInsertIfAbsent(deliveries: ReadonlyArray<{ deltaId: string; quantity: number }>): Map<string, number> {
  const table = new Map<string, number>()
  for (const d of deliveries) if (!table.has(d.deltaId)) table.set(d.deltaId, d.quantity)
  return table
}

describe('inventory deltas converge under any replay', () => {
  it('gives every region the same stock, the sum of distinct deltas', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(delta, { selector: (d) => d.deltaId, minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 80 }), fc.infiniteStream(fc.nat())), { minLength: 2, maxLength: 4 }),
        (deltas, regions) => {
          const expected = deltas.reduce((s, d) => s + d.quantity, 0)
          for (const [extra, order] of regions) {
            // Every delta at least once, plus arbitrary redeliveries, in an arbitrary order.
            const deliveries = [...deltas, ...extra.map((i) => deltas[i % deltas.length]!)]
            const shuffled = deliveries
              .map((d) => ({ d, k: order.next().value as number }))
              .sort((a, b) => a.k - b.k)
              .map((x) => x.d)
            const table = applyInsertIfAbsent(shuffled)
            expect([...table.values()].reduce((s, q) => s + q, 0)).toBe(expected)
            expect(stockOf(shuffled)).toBe(expected)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
