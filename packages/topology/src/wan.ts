/**
 * The WAN emulation as toxiproxy configures it: one proxy per directed link and a latency toxic
 * of scale × RTT/2 on each direction. The native runner posts these to toxiproxy's API; the
 * compose wan-init script posts the same bodies with curl.
 */
import type { Addressing } from './addressing.js'
import { oneWayDelayMs, wanLinks } from './links.js'

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

export function wanProxies(addressing: Addressing): ProxySpec[] {
  return wanLinks().map((link) => ({
    name: link.name,
    listen: `${addressing.bindHost}:${link.listenPort}`,
    upstream: `${addressing.host('mariadb', link.to)}:${link.upstreamPort}`,
    enabled: true,
  }))
}

/** The latency toxics for `scale` (1 = real-world RTT/2 each way); none where there is nothing to add. */
export function latencyToxics(scale: number, jitterMs = 0): LatencyToxic[] {
  return wanLinks().flatMap((link) => {
    const latency = oneWayDelayMs(link.from, link.to, scale)
    if (latency === 0 && jitterMs === 0) return []
    return STREAMS.map((stream) => ({
      proxy: link.name,
      toxic: { name: `latency_${stream}`, type: 'latency' as const, stream, toxicity: 1 as const, attributes: { latency, jitter: jitterMs } },
    }))
  })
}
