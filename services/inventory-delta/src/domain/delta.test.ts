import { describe, expect, it } from 'vitest'
import { sameDelta, stockOf } from './delta.js'

const base = { deltaId: 'd1', storeId: 's', sku: 'A', quantity: 5, reason: 'restock' as const }

describe('sameDelta', () => {
  it('compares the operation, not the id', () => {
    expect(sameDelta(base, { ...base })).toBe(true)
    expect(sameDelta(base, { ...base, quantity: 6 })).toBe(false)
  })
})

describe('stockOf', () => {
  it('counts a replayed delta once, in any order', () => {
    const deltas = [
      { deltaId: 'a', quantity: 10 },
      { deltaId: 'b', quantity: -3 },
      { deltaId: 'a', quantity: 10 },
    ]
    expect(stockOf(deltas)).toBe(7)
    expect(stockOf([...deltas].reverse())).toBe(7)
  })
})
