import { describe, expect, it } from 'vitest'
import { isSessionToken } from './session-token.js'

describe('isSessionToken', () => {
  it('accepts GTID positions, one per replication domain', () => {
    expect(isSessionToken('0-1-42')).toBe(true)
    expect(isSessionToken('0-1-42,1-2-7')).toBe(true)
    expect(isSessionToken('4294967295-4294967295-18446744073709551615')).toBe(true)
  })

  it('refuses what MariaDB could not parse: other shapes, and ids or sequences out of range', () => {
    expect(isSessionToken('0-1')).toBe(false)
    expect(isSessionToken('0-1-42,')).toBe(false)
    expect(isSessionToken('4294967296-1-1')).toBe(false)
    expect(isSessionToken('0-1-18446744073709551616')).toBe(false)
  })
})
