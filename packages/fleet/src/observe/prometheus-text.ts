/** One sample line of the Prometheus text format: `name{label="value",…} value`. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g
const UNESCAPE: Record<string, string> = { n: '\n', '"': '"', '\\': '\\' }

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  return Number(text)
}

/**
 * The samples of a Prometheus text exposition (what every service's `/metrics` answers).
 * Comments (`# HELP`, `# TYPE`, `# UNIT`) are skipped; a histogram arrives as its
 * `_bucket`/`_sum`/`_count` samples. Throws on a line that is not a sample, naming it.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = LINE.exec(line)
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c)
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!) })
  }
  return samples
}

/** The sum over the samples named `name` whose labels include all of `labels`; undefined when none matches. */
export function sumOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  return matching.length === 0 ? undefined : matching.reduce((a, s) => a + s.value, 0)
}
