import { Problem } from '@pos-fleet/platform/problem'

export interface RequestedLine {
  sku: string
  quantity: number
}

export interface PriceListEntry {
  sku: string
  priceMinor: number
  currency: string
}

export interface PricedLine {
  lineNo: number
  sku: string
  quantity: number
  unitPriceMinor: number
  lineTotalMinor: number
}

export interface PricedSale {
  lines: PricedLine[]
  totalMinor: number
  currency: string
}

/**
 * Prices a sale from the catalog, never from the client. Unknown SKUs and mixed
 * currencies are refused before anything is written.
 */
export function priceSale(requested: readonly RequestedLine[], priceList: readonly PriceListEntry[]): PricedSale {
  const bySku = new Map(priceList.map((p) => [p.sku, p]))
  const unknown = [...new Set(requested.filter((l) => !bySku.has(l.sku)).map((l) => l.sku))]
  if (unknown.length > 0) throw new Problem('unknown-sku', `not in this merchant's catalog: ${unknown.join(', ')}`, { skus: unknown })

  const lines = requested.map((l, i) => {
    const entry = bySku.get(l.sku)!
    return {
      lineNo: i + 1,
      sku: l.sku,
      quantity: l.quantity,
      unitPriceMinor: entry.priceMinor,
      lineTotalMinor: entry.priceMinor * l.quantity,
      currency: entry.currency,
    }
  })
  const currencies = new Set(lines.map((l) => l.currency))
  if (currencies.size !== 1) throw new Problem('currency-mismatch', `items priced in ${[...currencies].join(', ')}`)
  const totalMinor = lines.reduce((sum, l) => sum + l.lineTotalMinor, 0)
  if (!Number.isSafeInteger(totalMinor)) throw new Problem('validation-failed', 'sale total is too large')
  return {
    lines: lines.map(({ currency: _c, ...line }) => line),
    totalMinor,
    currency: [...currencies][0]!,
  }
}

export interface PaymentRequest {
  method: 'card' | 'cash'
  token?: string | undefined
  amountMinor: number
}

/** The tendered amount must equal the server's total (that a card has a token, the request schema says). */
export function checkPayment(payment: PaymentRequest, sale: PricedSale): void {
  if (payment.amountMinor !== sale.totalMinor) {
    throw new Problem(
      'amount-mismatch',
      `payment.amountMinor is ${payment.amountMinor} but the sale total is ${sale.totalMinor} ${sale.currency}`,
      { expectedAmountMinor: sale.totalMinor, currency: sale.currency },
    )
  }
}
