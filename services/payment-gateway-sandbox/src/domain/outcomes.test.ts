import { describe, expect, it } from 'vitest'
import { FLAKY_FAILURES, decide, unitHash } from './outcomes.js'

describe('sandbox gateway outcomes', () => {
  it('approves tok_visa and declines tok_chargeDeclined', () => {
    expect(decide('tok_visa', 'p', 1, 0)).toEqual({ kind: 'approved' })
    expect(decide('tok_chargeDeclined', 'p', 1, 0)).toEqual({ kind: 'declined', declineCode: 'card_declined' })
  })

  it('fails tok_flaky transiently, then approves', () => {
    for (let a = 1; a <= FLAKY_FAILURES; a++) expect(decide('tok_flaky', 'p', a, 0).kind).toBe('transient-failure')
    expect(decide('tok_flaky', 'p', FLAKY_FAILURES + 1, 0).kind).toBe('approved')
  })

  it('declines unknown tokens', () => {
    expect(decide('tok_nope', 'p', 1, 0)).toEqual({ kind: 'declined', declineCode: 'invalid_token' })
  })

  it('injects failures deterministically at about the configured rate', () => {
    const n = 2_000
    let failed = 0
    for (let i = 0; i < n; i++) if (decide('tok_visa', `p${i}`, 1, 0.2).kind === 'transient-failure') failed++
    expect(failed / n).toBeGreaterThan(0.15)
    expect(failed / n).toBeLessThan(0.25)
    expect(decide('tok_visa', 'p7', 1, 0.2)).toEqual(decide('tok_visa', 'p7', 1, 0.2))
    expect(unitHash('x')).toBe(unitHash('x'))
  })
})
