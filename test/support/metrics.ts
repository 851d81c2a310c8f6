import { type Sample, parsePrometheusText, sumOf } from '../../packages/fleet/src/observe/prometheus-text.js'

/** What a running process's `/metrics` answers, parsed. */
export interface Scrape {
  samples: Sample[]
  /** Sum over the samples named `name` carrying `labels`; undefined when the process exports none. */
  value(name: string, labels?: Record<string, string>): number | undefined
  /** Like `value`, but a missing metric fails with the names the process does export. */
  must(name: string, labels?: Record<string, string>): number
}

export async function scrape(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`)
  if (res.status !== 200) throw new Error(`${baseUrl}/metrics answered ${res.status}`)
  const samples = parsePrometheusText(await res.text())
  const value = (name: string, labels: Record<string, string> = {}) => sumOf(samples, name, labels)
  return {
    samples,
    value,
    must(name, labels = {}) {
      const v = value(name, labels)
      if (v === undefined) {
        const names = [...new Set(samples.map((s) => s.name))].join(', ')
        throw new Error(`${baseUrl}/metrics has no ${name} ${JSON.stringify(labels)}; it has: ${names}`)
      }
      return v
    },
  }
}
