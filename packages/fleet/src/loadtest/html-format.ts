/** Escaping and number formatting shared by the report page and its charts. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Safe in text and in quoted attributes alike, so callers never have to pick the right one. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
}

// A report read back from JSON turns NaN and Infinity into null; show a dash, not "NaN".
const isNumber = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v)
const DASH = '—'

/** Thousands separators without Intl, so output does not depend on the machine's locale. */
export function formatInteger(v: number | null | undefined): string {
  if (!isNumber(v)) return DASH
  return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Three significant digits below 100 ms (sub-millisecond reads matter), whole ms above. */
export function formatMs(v: number | null | undefined): string {
  if (!isNumber(v)) return DASH
  const a = Math.abs(v)
  if (a === 0) return '0'
  if (a >= 100) return formatInteger(v)
  if (a >= 10) return v.toFixed(1)
  if (a >= 1) return v.toFixed(2)
  return v.toFixed(3)
}

export function formatFixed(v: number | null | undefined, digits: number): string {
  return isNumber(v) ? v.toFixed(digits) : DASH
}

export function formatPercent(share: number | null | undefined): string {
  if (!isNumber(share)) return DASH
  return `${(share * 100).toFixed(share !== 0 && Math.abs(share) < 0.01 ? 2 : 1)} %`
}

export function formatRatio(v: number | null | undefined): string {
  return isNumber(v) ? `${v.toFixed(2)}×` : DASH
}

/** Seconds as "2 min 30 s", so a long run reads at a glance. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isNumber(seconds)) return DASH
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`
}
