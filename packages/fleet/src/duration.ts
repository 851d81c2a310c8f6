import ms from 'ms'

const UNITLESS = /^\s*-?\d*\.?\d+\s*$/

/**
 * One duration format for every flag, the `ms` package's: 60s, 500ms, 2m, 1h. A number without
 * a unit is refused (ms would read "20" as 20 milliseconds) except a plain 0, which `allowZero`
 * accepts to switch a phase off. Returns milliseconds; throws a message fit to follow the flag.
 */
export function parseDuration(raw: string, options: { readonly allowZero?: boolean } = {}): number {
  const allowZero = options.allowZero ?? false
  const example = allowZero ? '60s, 500ms, 2m or 0 (off)' : '60s, 500ms or 2m'
  if (UNITLESS.test(raw) && Number(raw) !== 0) throw new Error(`a duration needs a unit, e.g. ${raw.trim()}s (expected ${example})`)
  const value = UNITLESS.test(raw) ? 0 : parse(raw.trim())
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`expected a duration such as ${example}`)
  if (value < 0) throw new Error('a duration cannot be negative')
  if (value === 0 && !allowZero) throw new Error('must be longer than zero')
  return value
}

/** ms answers undefined for text it cannot read (and throws for an empty string). */
function parse(text: string): number | undefined {
  try {
    return ms(text as ms.StringValue) as number | undefined
  } catch {
    return undefined
  }
}
