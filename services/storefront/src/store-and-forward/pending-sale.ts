import type { NewSale, SaleView } from '../repositories/sales-repository.js'
import { viewOfNewSale } from '../repositories/sales-repository.js'

/** A sale accepted while the write path was down: everything needed to commit it later, as it was priced. */
export interface PendingSale extends NewSale {
  acceptedAt: string
}

export function provisionalView(p: PendingSale): SaleView & { acceptedAt: string } {
  return { ...viewOfNewSale(p), status: 'provisional', acceptedAt: p.acceptedAt }
}

/** A card sale may be accepted offline only up to the merchant's floor limit; cash always. */
export function withinOfflineFloor(method: 'card' | 'cash', totalMinor: number, floorLimitMinor: number): boolean {
  return method === 'cash' || totalMinor <= floorLimitMinor
}
