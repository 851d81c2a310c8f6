/**
 * The WAN emulation as toxiproxy configures it: one proxy per directed link and a latency toxic
 * of scale × RTT/2 on each direction. The native runner posts these to toxiproxy's API; the
 * compose wan-init script posts the same bodies with curl.
 */
import type { Addressing } from './addressing.js'
import { globalProxies, oneWayDelayMs, wanLinks } from './links.js'
import { type RegionId, WRITER, region as regionSpec } from './regions.js'

/** toxiproxy's names for the two directions: client → server and server → client. */
export type Stream = 'upstream' | 'downstream'
export const STREAMS: readonly Stream[] = ['upstream', 'downstream']

/** A body of toxiproxy's POST /populate. */
export interface ProxySpec {
  readonly name: string
  readonly listen: string
  readonly upstream: string
  readonly enabled: boolean
}

/** A body of toxiproxy's POST /proxies/{proxy}/toxics, with the proxy it goes to. */
export interface LatencyToxic {
  readonly proxy: string
  readonly toxic: {
    readonly name: string
    readonly type: 'latency'
    readonly stream: Stream
    readonly toxicity: 1
    readonly attributes: { readonly latency: number; readonly jitter: number }
  }
}

/** Where a global write proxy forwards to while `writer` is the writer. */
export function globalUpstream(addressing: Addressing, writer: RegionId): string {
  return `${addressing.host('mariadb', writer)}:${regionSpec(writer).ports.mariadb}`
}

/** Every proxy: the per-pair WAN links (replication) and each region's global write proxy, aimed at `writer`. */
export function wanProxies(addressing: Addressing, writer: RegionId = WRITER): ProxySpec[] {
  return [
    ...wanLinks().map((link) => ({
      name: link.name,
      listen: `${addressing.bindHost}:${link.listenPort}`,
      upstream: `${addressing.host('mariadb', link.to)}:${link.upstreamPort}`,
      enabled: true,
    })),
    ...globalProxies().map((proxy) => ({
      name: proxy.name,
      listen: `${addressing.bindHost}:${proxy.listenPort}`,
      upstream: globalUpstream(addressing, writer),
      enabled: true,
    })),
  ]
}

/** A proxy's two latency toxics for a one-way delay; none where there is nothing to add. */
export function pairToxics(proxy: string, latency: number, jitterMs = 0): LatencyToxic[] {
  if (latency === 0 && jitterMs === 0) return []
  return STREAMS.map((stream) => ({
    proxy,
    toxic: { name: `latency_${stream}`, type: 'latency' as const, stream, toxicity: 1 as const, attributes: { latency, jitter: jitterMs } },
  }))
}

/** The latency toxics of a global write proxy while `writer` is the writer: that pair's RTT/2 each way. */
export function globalToxics(region: RegionId, writer: RegionId, scale: number, jitterMs = 0): LatencyToxic[] {
  const proxy = globalProxies().find((p) => p.region === region)
  if (!proxy) throw new Error(`no global proxy for ${region}`)
  return pairToxics(proxy.name, oneWayDelayMs(region, writer, scale), jitterMs)
}

/** The latency toxics for `scale` (1 = real-world RTT/2 each way) with `writer` as the writer. */
export function latencyToxics(scale: number, jitterMs = 0, writer: RegionId = WRITER): LatencyToxic[] {
  return [
    ...wanLinks().flatMap((link) => pairToxics(link.name, oneWayDelayMs(link.from, link.to, scale), jitterMs)),
    ...globalProxies().flatMap((proxy) => globalToxics(proxy.region, writer, scale, jitterMs)),
  ]
}
