import { OPERATIONS, type Operation } from './report-schema.js'

/** Parses "browse=40,checkout=25,…"; omitted operations get weight 0. Throws naming the flag. */
export function parseMix(raw: string): Record<Operation, number> {
  const mix = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<Operation, number>
  for (const part of raw.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part)
    if (!m) throw new Error(`--mix entries look like browse=40 (got "${part}")`)
    const op = m[1] as Operation
    if (!OPERATIONS.includes(op)) throw new Error(`--mix: unknown operation "${m[1]}" (known: ${OPERATIONS.join(', ')})`)
    mix[op] = Number(m[2])
  }
  if (Object.values(mix).every((w) => w === 0)) throw new Error('--mix needs at least one positive weight')
  return mix
}
