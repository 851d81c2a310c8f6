import { describe, expect, it } from 'vitest'
import { Problem } from '@pos-fleet/platform/problem'
import { checkDeltaSign, sameDelta, stockOf } from './delta.js'

const base = { deltaId: 'd1', storeId: 's', sku: 'A', quantity: 5, reason: 'restock' as const }

describe('checkDeltaSign', () => {
  it('accepts a positive restock and a negative shrinkage', () => {
    expect(() => checkDeltaSign(base)).not.toThrow()
    expect(() => checkDeltaSign({ ...base, reason: 'shrinkage', quantity: -2 })).not.toThrow()
    expect(() => checkDeltaSign({ ...base, reason: 'adjustment', quantity: -2 })).not.toThrow()
  })
  it('refuses a negative restock', () => {
    expect(() => checkDeltaSign({ ...base, quantity: -1 })).toThrow(Problem)
  })
  it('refuses a positive shrinkage', () => {
    expect(() => checkDeltaSign({ ...base, reason: 'shrinkage', quantity: 1 })).toThrow(Problem)
  })
})

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
