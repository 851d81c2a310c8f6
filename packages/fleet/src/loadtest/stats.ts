import * as hdr from 'hdr-histogram-js'
import type { LatencySummaryMs } from './report-schema.js'

/**
 * Latencies recorded in microseconds into an HDR histogram (3 significant digits), so
 * percentiles up to p99.9 stay exact to 0.1 % at any count without keeping samples.
 */
export function createLatencyRecorder() {
  const h = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, useWebAssembly: false })
  return {
    record(ms: number) {
      h.recordValue(Math.max(1, Math.round(ms * 1000)))
    },
    get count() {
      return h.totalCount
    },
    summary(): LatencySummaryMs {
      const at = (p: number) => (h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / 1000)
      return {
        count: h.totalCount,
        mean: h.totalCount === 0 ? 0 : h.mean / 1000,
        p50: at(50),
        p90: at(90),
        p99: at(99),
        p999: at(99.9),
        max: h.totalCount === 0 ? 0 : h.maxValue / 1000,
      }
    },
    /** [ms, fraction] points for a CDF chart, at fixed percentiles. */
    cdf(): Array<[number, number]> {
      if (h.totalCount === 0) return []
      const ps = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100]
      return ps.map((p) => [h.getValueAtPercentile(p === 0 ? 0.0001 : p) / 1000, p / 100])
    },
  }
}

export type LatencyRecorder = ReturnType<typeof createLatencyRecorder>

/** Nearest-rank percentile of a small sample (lag probes), in the sample's unit. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

/** Weighted round robin: a deterministic sequence whose long-run shares equal the weights. */
export function weightedCycle<K extends string>(weights: Record<K, number>): () => K {
  const keys = (Object.keys(weights) as K[]).filter((k) => weights[k] > 0)
  const total = keys.reduce((s, k) => s + weights[k], 0)
  if (total <= 0) throw new Error('the operation mix has no positive weight')
  const credit = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>
  return () => {
    let best = keys[0]!
    for (const k of keys) {
      credit[k] += weights[k]
      if (credit[k] > credit[best]) best = k
    }
    credit[best] -= total
    return best
  }
}
