/**
 * Sale-derived stock deltas get ids derived from the sale, so a replay can never apply
 * them twice. Shared: storefront writes them, inventory-delta counts queued ones.
 */
export function saleDeltaId(saleId: string, lineNo: number): string {
  return `sale:${saleId}:${lineNo}`
}
