import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'

describe('parseDuration', () => {
  it('reads seconds, milliseconds and minutes', () => {
    expect(parseDuration('for', '30s')).toBe(30_000)
    expect(parseDuration('for', '500ms')).toBe(500)
    expect(parseDuration('for', '2m')).toBe(120_000)
    expect(parseDuration('for', '5')).toBe(5_000)
  })
  it('refuses anything else, naming the flag', () => {
    expect(() => parseDuration('for', 'soon')).toThrow(/--for must be a duration/)
    expect(() => parseDuration('for', '0s')).toThrow(/--for must be longer than zero/)
  })
})
