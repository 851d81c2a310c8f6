import { describe, expect, it } from 'vitest'
import { missingTransactions, parseGtidPosition } from './gtid.js'

describe('GTID positions', () => {
  it('reads the sequence number of every domain', () => {
    expect(parseGtidPosition('0-1-42, 1-3-7')).toEqual(new Map([[0, 42], [1, 7]]))
    expect(parseGtidPosition('')).toEqual(new Map())
  })

  it('counts what the target lacks, per domain, and nothing it has beyond the source', () => {
    expect(missingTransactions('0-1-42', '0-1-42')).toBe(0)
    expect(missingTransactions('0-1-42', '0-2-45')).toBe(0)
    expect(missingTransactions('0-1-42', '0-1-40')).toBe(2)
    expect(missingTransactions('0-1-42,1-1-5', '0-1-42')).toBe(5)
  })

  it('refuses what is not a position', () => {
    expect(() => parseGtidPosition('0-1')).toThrow(/not a GTID position/)
  })
})
