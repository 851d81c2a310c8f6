import { OPERATIONS, type Operation } from './report-schema.js'

/** The POS terminal's operation mix, in weights. */
export const DEFAULT_MIX: Record<Operation, number> = { browse: 40, stock: 20, checkout: 25, lookup: 10, restock: 5 }

/** Parses "browse=40,checkout=25,…"; omitted operations get weight 0. Throws saying what is wrong. */
export function parseMix(raw: string): Record<Operation, number> {
  const mix = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<Operation, number>
  for (const part of raw.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part)
    if (!m) throw new Error(`entries look like browse=40 (got "${part}")`)
    const op = m[1] as Operation
    if (!OPERATIONS.includes(op)) throw new Error(`unknown operation "${m[1]}" (known: ${OPERATIONS.join(', ')})`)
    mix[op] = Number(m[2])
  }
  if (Object.values(mix).every((w) => w === 0)) throw new Error('needs at least one positive weight')
  return mix
}

/** Parses "10,20,40": request rates per second, each above zero. */
export function parseRates(raw: string): number[] {
  const rates = raw.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)))
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error("expected rates above zero, comma-separated, e.g. 10,20,40")
  return rates
}
