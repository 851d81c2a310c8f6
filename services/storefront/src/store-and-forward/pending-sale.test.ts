import { describe, expect, it } from 'vitest'
import { withinOfflineFloor } from './pending-sale.js'

describe('withinOfflineFloor', () => {
  it('accepts cash of any amount', () => {
    expect(withinOfflineFloor('cash', 1_000_000, 5_000)).toBe(true)
  })
  it('accepts a card sale up to and including the floor limit, not above', () => {
    expect(withinOfflineFloor('card', 5_000, 5_000)).toBe(true)
    expect(withinOfflineFloor('card', 5_001, 5_000)).toBe(false)
  })
})
