import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'

describe('parseDuration', () => {
  it('reads the ms format: milliseconds, seconds, minutes, fractions', () => {
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('2m')).toBe(120_000)
    expect(parseDuration('1.5s')).toBe(1_500)
    expect(parseDuration('1h')).toBe(3_600_000)
  })

  it('reads a plain 0 (or 0s) as off where a phase can be off', () => {
    expect(parseDuration('0', { allowZero: true })).toBe(0)
    expect(parseDuration('0s', { allowZero: true })).toBe(0)
  })

  it('refuses zero where the phase cannot be off', () => {
    expect(() => parseDuration('0')).toThrow('must be longer than zero')
    expect(() => parseDuration('0s')).toThrow('must be longer than zero')
  })

  it('refuses a number without a unit, which ms would read as milliseconds', () => {
    expect(() => parseDuration('20')).toThrow('a duration needs a unit, e.g. 20s')
    expect(() => parseDuration('20', { allowZero: true })).toThrow('a duration needs a unit')
  })

  it('refuses what is not a duration, saying what is expected', () => {
    for (const raw of ['soon', '', '10 parsecs', '1s2', 'x'.repeat(101)]) {
      expect(() => parseDuration(raw), JSON.stringify(raw)).toThrow('expected a duration such as 60s, 500ms or 2m')
    }
    expect(() => parseDuration('-5s')).toThrow('cannot be negative')
  })
})
