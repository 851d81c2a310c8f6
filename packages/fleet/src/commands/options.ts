import { InvalidArgumentError, Option } from 'commander'
import { parseDuration } from '../duration.js'
import { messageOf } from '../errors.js'

/**
 * Typed flags for commander: each parser runs while the command line is read, before any
 * action, so a bad value exits 2 naming its flag and nothing has been started. Defaults are
 * given as they are typed and parsed by the same parser, so help shows "20s", not 20000.
 */
export function parsedOption<T>(flags: string, description: string, parse: (raw: string) => T, defaultRaw?: string): Option {
  const argParser = (raw: string): T => {
    try {
      return parse(raw)
    } catch (error) {
      throw new InvalidArgumentError(messageOf(error))
    }
  }
  const option = new Option(flags, description).argParser(argParser)
  return defaultRaw === undefined ? option : option.default(parse(defaultRaw), defaultRaw)
}

/** A duration in milliseconds (`ms` format: 60s, 500ms, 2m); `allowZero` for a phase `0` turns off. */
export function durationOption(flags: string, description: string, defaultRaw: string, options: { readonly allowZero?: boolean } = {}): Option {
  return parsedOption(flags, description, (raw) => parseDuration(raw, options), defaultRaw)
}

export interface NumberRule {
  /** Values must be above this (default 0: positive). */
  readonly above?: number
  /** Or at least this, when zero itself is meaningful (a WAN scale of 0). */
  readonly atLeast?: number
  readonly integer?: boolean
}

export function parseNumber(raw: string, rule: NumberRule = {}): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw)
  const kind = rule.integer ? 'an integer' : 'a number'
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) throw new Error(`expected ${kind}`)
  if (rule.atLeast !== undefined) {
    if (value < rule.atLeast) throw new Error(`expected ${kind} of at least ${rule.atLeast}`)
  } else if (value <= (rule.above ?? 0)) {
    throw new Error(`expected ${kind} above ${rule.above ?? 0}`)
  }
  return value
}

export function numberOption(flags: string, description: string, defaultRaw: string, rule: NumberRule = {}): Option {
  return parsedOption(flags, description, (raw) => parseNumber(raw, rule), defaultRaw)
}
