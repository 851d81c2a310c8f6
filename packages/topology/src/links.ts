/** Inter-region round-trip times and the WAN links that carry database traffic between regions. */
import { type RegionId, REGION_IDS, regions } from './regions.js'

/** Public inter-region round-trip times (ms); the WAN emulation applies RTT/2 each way. */
const RTT_MS: Readonly<Record<string, number>> = {
  'ap-southeast-1|eu-central-1': 160,
  'ap-southeast-1|us-east-1': 220,
  'eu-central-1|us-east-1': 90,
}

const WAN_PORT_BASE = 18900
/** Each region's global write proxy listens on GLOBAL_PORT_BASE + its index. */
const GLOBAL_PORT_BASE = 18950

export function rttMs(a: RegionId, b: RegionId): number {
  if (a === b) return 0
  const key = [a, b].sort().join('|')
  const rtt = RTT_MS[key]
  if (rtt === undefined) throw new Error(`no RTT defined between ${a} and ${b}`)
  return rtt
}

/** The full RTT matrix, as published in endpoints.json. */
export function rttMatrix(): Record<RegionId, Partial<Record<RegionId, number>>> {
  const matrix = {} as Record<RegionId, Partial<Record<RegionId, number>>>
  for (const a of REGION_IDS) {
    matrix[a] = {}
    for (const b of REGION_IDS) if (a !== b) matrix[a][b] = rttMs(a, b)
  }
  return matrix
}

/** One-way delay applied per direction by the WAN emulation; `scale` shrinks it for fast runs. */
export function oneWayDelayMs(a: RegionId, b: RegionId, scale = 1): number {
  return Math.round((rttMs(a, b) / 2) * scale)
}

export interface WanLink {
  /** toxiproxy proxy name */
  readonly name: string
  readonly from: RegionId
  readonly to: RegionId
  readonly service: 'mariadb'
  /** Where clients in `from` connect to reach `to`'s service across the WAN. */
  readonly listenPort: number
  readonly upstreamPort: number
}

/**
 * Every directed WAN path a process in one region uses to reach another region's
 * database: replication (replica → primary) and the global write path. All pairs exist
 * so that promoting any region to writer needs no new links.
 */
export function wanLinks(): WanLink[] {
  const links: WanLink[] = []
  for (const from of regions) {
    for (const to of regions) {
      if (from.id === to.id) continue
      links.push({
        name: `wan_${from.id}_to_${to.id}_mariadb`,
        from: from.id,
        to: to.id,
        service: 'mariadb',
        listenPort: WAN_PORT_BASE + from.index * 10 + to.index,
        upstreamPort: to.ports.mariadb,
      })
    }
  }
  return links
}

export function wanLink(from: RegionId, to: RegionId): WanLink {
  const link = wanLinks().find((l) => l.from === from && l.to === to)
  if (!link) throw new Error(`no WAN link from ${from} to ${to}`)
  return link
}

/**
 * A region's global write path: one proxy per region, listening on a fixed port in that region,
 * whose upstream is whichever region is the writer now (PolarDB GDN's global proxy). Services
 * write to it and never learn where the writer is; a switchover re-points its upstream and
 * its latency (that pair's RTT/2 each way, 0 in the writer's own region).
 */
export interface GlobalProxy {
  /** toxiproxy proxy name */
  readonly name: string
  /** The region whose services write through it. */
  readonly region: RegionId
  readonly listenPort: number
}

export function globalProxies(): GlobalProxy[] {
  return regions.map((r) => ({ name: `global_${r.id}_mariadb`, region: r.id, listenPort: GLOBAL_PORT_BASE + r.index }))
}

export function globalProxy(region: RegionId): GlobalProxy {
  const proxy = globalProxies().find((p) => p.region === region)
  if (!proxy) throw new Error(`no global proxy for ${region}`)
  return proxy
}

/**
 * The promotion policy: the regions that may take the writer over, best first — the smallest
 * sum of RTTs to the other regions first (the writer every region reaches fastest), ties by
 * region order. A planned switchover names its target; an unplanned one takes the first
 * surviving candidate that is most caught up.
 */
export function promotionCandidates(): RegionId[] {
  const reach = (id: RegionId) => REGION_IDS.reduce((sum, other) => sum + rttMs(id, other), 0)
  return [...REGION_IDS].sort((a, b) => reach(a) - reach(b))
}
