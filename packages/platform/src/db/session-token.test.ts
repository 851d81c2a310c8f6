import { describe, expect, it } from 'vitest'
import { isSessionToken } from './session-token.js'

describe('isSessionToken', () => {
  it('accepts GTID positions, one per replication domain', () => {
    expect(isSessionToken('0-1-42')).toBe(true)
    expect(isSessionToken('0-1-42,1-2-7')).toBe(true)
    expect(isSessionToken('999999999-999999999-9999999999999999999')).toBe(true)
  })

  it('refuses other shapes, and ids or sequences that could be out of MariaDB’s range', () => {
    expect(isSessionToken('0-1')).toBe(false)
    expect(isSessionToken('0-1-42,')).toBe(false)
    expect(isSessionToken('4294967296-1-1')).toBe(false)
    expect(isSessionToken('0-1-18446744073709551616')).toBe(false)
  })
})
