import { type RegionId, regions, rttMs, topology } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import type { WanLinkState } from '../infra/toxiproxy.js'
import { type Sample, parsePrometheusText, sumOf } from '../observe/prometheus-text.js'

/** What the console shows at one moment; the page draws it as it arrives (server-sent events). */
export interface FleetSnapshot {
  at: string
  writer: RegionId
  regions: RegionView[]
  links: LinkView[]
  payments: { pending: number | null; captured: number | null; declined: number | null; oldestPendingS: number | null }
  /** A process that did not answer its /metrics this time, with why. */
  unreachable: string[]
}

export interface RegionView {
  id: RegionId
  city: string
  role: 'writer' | 'reader'
  writePathUp: boolean | null
  breakerOpenS: number | null
  replicationLagMs: number | null
  backlog: { sales: number | null; deltas: number | null }
  /** Over the console's window (WINDOW_MS): committed (201) and provisional (202) sales a second. */
  salesPerS: number | null
  provisionalPerS: number | null
  /** p99 of POST /v1/sales over the window, from the histogram's buckets (an upper bound). */
  p99Ms: number | null
}

export interface LinkView {
  /** The region pair, e.g. `ap-southeast-1|eu-central-1`. */
  id: string
  a: RegionId
  b: RegionId
  rttMs: number
  /** `up`: every proxy of the pair enabled; `cut`: none; `partial`: some. */
  state: 'up' | 'cut' | 'partial'
  /** Latency the emulation adds now, both directions, over one of the pair's proxies (ms). */
  emulatedRttMs: number
}

/** A storefront scrape with its time: the window's rates and p99 are differences between two. */
export interface Reading {
  atMs: number
  samples: Sample[]
}

const SALES = { http_route: '/v1/sales', http_request_method: 'POST' }

/** The pairs of regions, each with the state of the WAN proxies between them. */
export function linkViews(states: readonly WanLinkState[], scale: number): LinkView[] {
  const views: LinkView[] = []
  for (const [i, a] of regions.entries()) {
    for (const b of regions.slice(i + 1)) {
      const pair = states.filter((s) => (s.link.from === a.id && s.link.to === b.id) || (s.link.from === b.id && s.link.to === a.id))
      const enabled = pair.filter((s) => s.enabled).length
      const first = pair[0]
      views.push({
        id: `${a.id}|${b.id}`,
        a: a.id,
        b: b.id,
        rttMs: Math.round(rttMs(a.id, b.id) * scale),
        state: enabled === pair.length ? 'up' : enabled === 0 ? 'cut' : 'partial',
        emulatedRttMs: first ? first.latencyMs.upstream + first.latencyMs.downstream : 0,
      })
    }
  }
  return views
}

/** Quantile `q` of the observations between two cumulative histogram readings: the upper bound of its bucket. */
export function histogramQuantile(before: Sample[], after: Sample[], name: string, labels: Record<string, string>, q: number): number | null {
  const buckets = new Map<number, number>()
  for (const s of after) {
    if (s.name !== `${name}_bucket` || !Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le)
    buckets.set(le, (buckets.get(le) ?? 0) + s.value)
  }
  for (const s of before) {
    if (s.name !== `${name}_bucket` || !Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le)
    if (buckets.has(le)) buckets.set(le, buckets.get(le)! - s.value)
  }
  const sorted = [...buckets.entries()].sort((x, y) => x[0] - y[0])
  const total = sorted.at(-1)?.[1] ?? 0
  if (total <= 0) return null
  const found = sorted.find(([, count]) => count >= q * total)
  return found && Number.isFinite(found[0]) ? found[0] : null
}

function ratePerS(before: Reading, after: Reading, status: string): number | null {
  const seconds = (after.atMs - before.atMs) / 1_000
  if (seconds <= 0) return null
  const count = (r: Reading) => sumOf(r.samples, 'http_server_request_duration_count', { ...SALES, http_response_status_code: status }) ?? 0
  return Math.max(0, count(after) - count(before)) / seconds
}

export interface RegionScrapes {
  storefront?: Sample[]
  inventoryDelta?: Sample[]
  /** The storefront reading at the start of the console's window. */
  windowStart?: Reading
  now: number
}

/** One region's row, from its services' metrics. */
export function regionView(id: RegionId, writer: RegionId, s: RegionScrapes): RegionView {
  const sf = s.storefront
  const open = sf ? sumOf(sf, 'pos_write_path_breaker_open') : undefined
  const lag = sf ? sumOf(sf, 'pos_replication_lag_seconds') : undefined
  const start = s.windowStart
  const current: Reading | undefined = sf ? { atMs: s.now, samples: sf } : undefined
  const p99 = start && current ? histogramQuantile(start.samples, current.samples, 'http_server_request_duration', SALES, 0.99) : null
  return {
    id,
    city: regions.find((r) => r.id === id)!.city,
    role: id === writer ? 'writer' : 'reader',
    writePathUp: open === undefined ? null : open === 0,
    breakerOpenS: sf ? (sumOf(sf, 'pos_write_path_breaker_open_seconds') ?? null) : null,
    replicationLagMs: lag === undefined ? null : Math.round(lag * 1_000),
    backlog: {
      sales: sf ? (sumOf(sf, 'pos_store_and_forward_backlog', { topic: topology.kafka.topics.pendingSales }) ?? null) : null,
      deltas: s.inventoryDelta ? (sumOf(s.inventoryDelta, 'pos_store_and_forward_backlog', { topic: topology.kafka.topics.pendingDeltas }) ?? null) : null,
    },
    salesPerS: start && current ? ratePerS(start, current, '201') : null,
    provisionalPerS: start && current ? ratePerS(start, current, '202') : null,
    p99Ms: p99 === null ? null : Math.round(p99 * 1_000),
  }
}

/** The payments row, from the worker's metrics (wherever the writer is now). */
export function paymentsView(worker: Sample[] | undefined): FleetSnapshot['payments'] {
  const v = (name: string, labels: Record<string, string> = {}) => (worker ? (sumOf(worker, name, labels) ?? null) : null)
  return {
    pending: v('pos_outbox_backlog'),
    captured: v('pos_payment_outcomes_total', { outcome: 'captured' }) ?? (worker ? 0 : null),
    declined: v('pos_payment_outcomes_total', { outcome: 'declined' }) ?? (worker ? 0 : null),
    oldestPendingS: v('pos_outbox_oldest_age_seconds'),
  }
}

export async function scrapeMetrics(url: string, timeoutMs = 2_000): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`)
  return parsePrometheusText(await res.text())
}

export type { Endpoints }
