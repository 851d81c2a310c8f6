import { loopbackAddressing, topology, wanLinks } from '@pos-fleet/topology'
import type { RegionId, WanLink } from '@pos-fleet/topology'
import { type Stream, latencyToxics, wanProxies } from '@pos-fleet/topology/wan'
import { toxiproxyServerBin } from './paths.js'
import { messageOf, startProcess, untilReady, waitForHttp } from './processes.js'
import type { RunningProcess } from './processes.js'

export interface WanLinkState {
  readonly link: WanLink
  readonly enabled: boolean
  /** Latency added per direction by the link's toxics (0 when none). */
  readonly latencyMs: Readonly<Record<Stream, number>>
}

interface ProxyJson {
  readonly name: string
  readonly enabled: boolean
  readonly toxics: readonly { readonly type: string; readonly stream: Stream; readonly attributes: { readonly latency?: number } }[]
}

const { host, apiPort } = topology.toxiproxy
const apiUrl = `http://${host}:${apiPort}`

export async function startToxiproxy(): Promise<RunningProcess> {
  const proc = await startProcess({
    name: 'toxiproxy',
    command: toxiproxyServerBin,
    args: ['-host', host, '-port', String(apiPort)],
    // The WAN listen ports are the server's too: a stale one would fail populate halfway.
    ports: [apiPort, ...wanLinks().map((link) => link.listenPort)],
  })
  await untilReady(proc, (signal) => waitForHttp(`${apiUrl}/version`, 10_000, signal))
  return proc
}

/** Creates every WAN link of the topology (idempotent) with the latency of `scale` × RTT/2 each way. */
export async function populateWan(scale: number, options: { readonly jitterMs?: number } = {}): Promise<void> {
  await api('POST', '/populate', wanProxies(loopbackAddressing))
  await resetWan(scale, options)
}

/** Re-enables every link and puts back exactly the latency toxics for `scale`, undoing any drill. */
export async function resetWan(scale: number, options: { readonly jitterMs?: number } = {}): Promise<void> {
  await api('POST', '/reset')
  await Promise.all(latencyToxics(scale, options.jitterMs).map(({ proxy, toxic }) => api('POST', `/proxies/${proxy}/toxics`, toxic)))
}

/** Cuts (or restores) every link into and out of `region`; open connections drop at once. */
export async function setRegionLinks(region: RegionId, enabled: boolean): Promise<void> {
  const touching = wanLinks().filter((link) => link.from === region || link.to === region)
  await Promise.all(touching.map((link) => api('POST', `/proxies/${link.name}`, { enabled })))
}

export async function wanState(): Promise<WanLinkState[]> {
  const proxies = (await api('GET', '/proxies')) as Record<string, ProxyJson>
  return wanLinks().map((link) => {
    const proxy = proxies[link.name]
    if (!proxy) throw new Error(`toxiproxy at ${apiUrl} has no proxy ${link.name}: was the WAN populated?`)
    const latency = (stream: Stream) =>
      proxy.toxics.filter((t) => t.type === 'latency' && t.stream === stream).reduce((sum, t) => sum + (t.attributes.latency ?? 0), 0)
    return { link, enabled: proxy.enabled, latencyMs: { upstream: latency('upstream'), downstream: latency('downstream') } }
  })
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(5_000),
    })
  } catch (error) {
    throw new Error(`toxiproxy API ${method} ${apiUrl}${path} unreachable: ${messageOf(error)}`, { cause: error })
  }
  const text = await response.text()
  if (!response.ok) throw new Error(`toxiproxy API ${method} ${path} answered ${response.status}: ${text.trim()}`)
  return text ? (JSON.parse(text) as unknown) : undefined
}
