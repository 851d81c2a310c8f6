import { describe, expect, it } from 'vitest'
import { canonicalJson, requestFingerprint } from './hashing.js'

describe('requestFingerprint', () => {
  const body = {
    storeId: 'st_eu',
    payment: { method: 'card', token: 'tok_visa', amountMinor: 1050 },
    lines: [{ sku: 'ESP-DBL', quantity: 2 }, { quantity: 1, sku: 'CRO-BUT' }],
  }

  it('is equal for bodies that differ only in key order', () => {
    const reordered = { lines: [{ quantity: 2, sku: 'ESP-DBL' }, { sku: 'CRO-BUT', quantity: 1 }], payment: { amountMinor: 1050, token: 'tok_visa', method: 'card' }, storeId: 'st_eu' }
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(body))
  })

  it('differs when a value or the line order differs', () => {
    expect(requestFingerprint({ ...body, storeId: 'st_us' })).not.toBe(requestFingerprint(body))
    expect(requestFingerprint({ ...body, lines: [...body.lines].reverse() })).not.toBe(requestFingerprint(body))
  })

  it('matches the fingerprints stored before RFC 8785 canonicalisation (the hand-written sorter)', () => {
    // Computed by the previous canonicalJson on this body; sales already committed keep replaying.
    expect(requestFingerprint(body)).toBe('a115eae220fc917a32698b0cca8e6bf86392af6c664fe55ee6ea68e2dec0ed6d')
  })

  it('writes numbers in ECMAScript form and skips undefined members', () => {
    expect(canonicalJson({ b: 1e21, a: 0.1, c: undefined })).toBe('{"a":0.1,"b":1e+21}')
  })
})
