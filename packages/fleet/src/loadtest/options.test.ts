import { describe, expect, it } from 'vitest'
import { parseMix, parseRates } from './options.js'

describe('parseMix', () => {
  it('reads weights and zeroes the rest', () => {
    expect(parseMix('browse=40,checkout=25')).toEqual({ browse: 40, stock: 0, checkout: 25, lookup: 0, restock: 0 })
  })
  it('names what is wrong', () => {
    expect(() => parseMix('browse')).toThrow(/look like browse=40/)
    expect(() => parseMix('dance=3')).toThrow(/unknown operation "dance"/)
    expect(() => parseMix('browse=0')).toThrow(/at least one positive/)
  })
})

describe('parseRates', () => {
  it('reads comma-separated rates', () => {
    expect(parseRates('10, 20,7.5')).toEqual([10, 20, 7.5])
  })
  it('refuses empty, zero, negative and non-numeric entries', () => {
    for (const raw of ['', '10,', '0', '-5', '10,x']) expect(() => parseRates(raw), raw).toThrow('expected rates above zero')
  })
})
