import type { DeltaRequest } from '../domain/delta.js'

/** A restock or adjustment accepted while the write path was down. */
export interface PendingDelta extends DeltaRequest {
  merchantId: string
  originRegion: string
  acceptedAt: string
}

/** The stock effect of a queued sale, as inventory-delta needs to see it (the storefront's queue). */
export interface QueuedSaleLines {
  saleId: string
  storeId: string
  priced: { lines: Array<{ lineNo: number; sku: string; quantity: number }> }
}

export interface PendingEffect {
  deltaId: string
  quantity: number
}

/**
 * The signed deltas this region has accepted for one store and SKU that the write path
 * does not have yet: queued adjustments plus the lines of queued sales.
 */
export function pendingEffects(
  storeId: string,
  sku: string,
  deltas: Iterable<PendingDelta>,
  sales: Iterable<QueuedSaleLines>,
  saleDeltaId: (saleId: string, lineNo: number) => string,
): PendingEffect[] {
  const effects: PendingEffect[] = []
  for (const d of deltas) if (d.storeId === storeId && d.sku === sku) effects.push({ deltaId: d.deltaId, quantity: d.quantity })
  for (const s of sales) {
    if (s.storeId !== storeId) continue
    for (const l of s.priced.lines) if (l.sku === sku) effects.push({ deltaId: saleDeltaId(s.saleId, l.lineNo), quantity: -l.quantity })
  }
  return effects
}
