/** Parses "30s", "500ms", "2m" or a bare number of seconds into milliseconds; throws naming the flag. */
export function parseDuration(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim())
  if (!m) throw new Error(`--${flag} must be a duration like 30s, 500ms or 2m (got "${raw}")`)
  const n = Number(m[1])
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000
  if (ms <= 0) throw new Error(`--${flag} must be longer than zero`)
  return ms
}
