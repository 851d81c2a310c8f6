import { describe, expect, it } from 'vitest'
import { Problem } from '@pos-fleet/platform/problem'
import { saleDeltaId } from '@pos-fleet/platform/delta-ids'
import { checkPayment, priceSale } from './pricing.js'

const prices = [
  { sku: 'A', priceMinor: 350, currency: 'USD' },
  { sku: 'B', priceMinor: 1_299, currency: 'USD' },
  { sku: 'E', priceMinor: 100, currency: 'EUR' },
]

function problemCode(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return err instanceof Problem ? err.code : 'not-a-problem'
  }
  return undefined
}

describe('priceSale', () => {
  it('totals lines from catalog prices', () => {
    const sale = priceSale([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], prices)
    expect(sale.totalMinor).toBe(1_999)
    expect(sale.currency).toBe('USD')
    expect(sale.lines.map((l) => [l.lineNo, l.lineTotalMinor])).toEqual([[1, 700], [2, 1_299]])
  })

  it('refuses unknown SKUs, naming each once', () => {
    try {
      priceSale([{ sku: 'X', quantity: 1 }, { sku: 'X', quantity: 2 }, { sku: 'A', quantity: 1 }], prices)
      expect.unreachable()
    } catch (err) {
      expect((err as Problem).code).toBe('unknown-sku')
      expect((err as Problem).extra.skus).toEqual(['X'])
    }
  })

  it('refuses a sale mixing currencies', () => {
    expect(problemCode(() => priceSale([{ sku: 'A', quantity: 1 }, { sku: 'E', quantity: 1 }], prices))).toBe('currency-mismatch')
  })
})

describe('checkPayment', () => {
  const sale = priceSale([{ sku: 'A', quantity: 1 }], prices)
  it('accepts the exact total', () => {
    expect(problemCode(() => checkPayment({ method: 'card', token: 'tok_visa', amountMinor: 350 }, sale))).toBeUndefined()
    expect(problemCode(() => checkPayment({ method: 'cash', amountMinor: 350 }, sale))).toBeUndefined()
  })
  it('refuses another amount', () => {
    expect(problemCode(() => checkPayment({ method: 'cash', amountMinor: 349 }, sale))).toBe('amount-mismatch')
  })
})

describe('saleDeltaId', () => {
  it('is deterministic per sale line', () => {
    expect(saleDeltaId('s1', 2)).toBe(saleDeltaId('s1', 2))
    expect(saleDeltaId('s1', 1)).not.toBe(saleDeltaId('s1', 2))
  })
})
