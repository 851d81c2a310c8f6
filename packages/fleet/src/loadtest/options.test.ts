import { describe, expect, it } from 'vitest'
import { parseMix } from './options.js'

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
