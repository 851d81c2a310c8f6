export const MANAGER_REASONS = ['restock', 'adjustment', 'count-correction', 'shrinkage'] as const
export type ManagerReason = (typeof MANAGER_REASONS)[number]

export interface DeltaRequest {
  deltaId: string
  storeId: string
  sku: string
  quantity: number
  reason: ManagerReason
}

/**
 * Restocks only add and shrinkage only removes; the other reasons may go either way. A part of
 * the request schema (`allOf`), so the validator refuses the rest with 400 and the OpenAPI
 * document states the rule.
 */
export const DELTA_SIGN_RULES = [
  { if: { properties: { reason: { const: 'restock' } } }, then: { properties: { quantity: { type: 'integer', minimum: 1 } } } },
  { if: { properties: { reason: { const: 'shrinkage' } } }, then: { properties: { quantity: { type: 'integer', maximum: -1 } } } },
]

/** Two deltas with one id must be the same operation; anything else is a client bug. */
type DeltaShape = { storeId: string; sku: string; quantity: number; reason: string }

export function sameDelta(a: DeltaShape, b: DeltaShape): boolean {
  return a.storeId === b.storeId && a.sku === b.sku && a.quantity === b.quantity && a.reason === b.reason
}

/** The counter CRDT's value: the sum of its deltas (order- and duplicate-free by construction). */
export function stockOf(deltas: ReadonlyArray<{ deltaId: string; quantity: number }>): number {
  const unique = new Map(deltas.map((d) => [d.deltaId, d.quantity]))
  let sum = 0
  for (const q of unique.values()) sum += q
  return sum
}
