import { describe, expect, it } from 'vitest'
import { retryDelayMs } from './backoff.js'

describe('retryDelayMs', () => {
  it('doubles from half a second and caps at 30 s', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([500, 1_000, 2_000, 4_000])
    expect(retryDelayMs(20)).toBe(30_000)
  })
})
