import { setTimeout as sleep } from 'node:timers/promises'
import { globalProxies, loopbackAddressing, regions, topology, wanLinks } from '@pos-fleet/topology'
import type { RegionId, WanLink } from '@pos-fleet/topology'
import { STREAMS, type Stream, globalToxics, globalUpstream, latencyToxics, wanProxies } from '@pos-fleet/topology/wan'
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
  readonly upstream: string
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
    ports: [apiPort, ...wanLinks().map((link) => link.listenPort), ...globalProxies().map((p) => p.listenPort)],
  })
  await untilReady(proc, (signal) => waitForHttp(`${apiUrl}/version`, 10_000, signal))
  return proc
}

/**
 * Creates every WAN link and every region's global write proxy, aimed at `writer` (idempotent),
 * with the latency of `scale` × RTT/2 each way.
 */
export async function populateWan(scale: number, writer: RegionId, options: { readonly jitterMs?: number } = {}): Promise<void> {
  await api('POST', '/populate', wanProxies(loopbackAddressing, writer))
  await resetWan(scale, options)
}

/**
 * Re-enables every link and puts back exactly the latency toxics for `scale`, undoing any
 * drill; the global proxies keep their upstream, and their latency is that of the writer they aim at.
 */
export async function resetWan(scale: number, options: { readonly jitterMs?: number } = {}): Promise<void> {
  const writer = await globalWriter()
  await api('POST', '/reset')
  await Promise.all(latencyToxics(scale, options.jitterMs, writer).map(({ proxy, toxic }) => api('POST', `/proxies/${proxy}/toxics`, toxic)))
}

/**
 * Re-points every region's global write proxy at `writer`, with the latency of that pair at
 * `scale`. toxiproxy restarts a proxy whose upstream changes: every connection open through
 * it is closed at once (services reconnect on their next write, to the new writer), and a
 * proxy a fault has disabled stays disabled. Latency first, so no new connection reaches the
 * new writer without it; a fault's own toxics (blackhole, slow) are left in place.
 */
export async function repointGlobalProxies(writer: RegionId, scale: number): Promise<void> {
  const upstream = globalUpstream(loopbackAddressing, writer)
  await Promise.all(
    globalProxies().map(async (proxy) => {
      await Promise.all(STREAMS.map((stream) => api('DELETE', `/proxies/${proxy.name}/toxics/latency_${stream}`, undefined, { missingOk: true })))
      await Promise.all(globalToxics(proxy.region, writer, scale).map(({ toxic }) => api('POST', `/proxies/${proxy.name}/toxics`, toxic)))
      await api('POST', `/proxies/${proxy.name}`, { upstream })
    }),
  )
}

/** Cuts (false) or reopens every region's global write path at once: an unplanned failover's fence. */
export async function setGlobalProxies(enabled: boolean): Promise<void> {
  await Promise.all(globalProxies().map((proxy) => api('POST', `/proxies/${proxy.name}`, { enabled })))
}

/** The region every global write proxy forwards to, read from toxiproxy itself: the write path's truth. */
export async function globalWriter(): Promise<RegionId> {
  const proxies = (await api('GET', '/proxies')) as Record<string, ProxyJson>
  const upstreams = new Set(globalProxies().map((p) => proxies[p.name]?.upstream))
  // By port: every runtime listens on the spec's ports and only host names differ, so this
  // reads the native fleet's toxiproxy and the compose fleet's alike.
  const writers = regions.filter((r) => [...upstreams].some((u) => u?.endsWith(`:${r.ports.mariadb}`)))
  if (writers.length !== 1 || upstreams.size !== 1) throw new Error(`toxiproxy's global proxies do not aim at one writer: ${[...upstreams].join(', ')}`)
  return writers[0]!.id
}

/** Cuts (or restores) every link into and out of `region`; open connections drop at once. */
export async function setRegionLinks(region: RegionId, enabled: boolean): Promise<void> {
  const names = await proxiesOf(region)
  await Promise.all(names.map((name) => api('POST', `/proxies/${name}`, { enabled })))
}

/**
 * The proxies into and out of `region`: its replication streams both ways, its own global
 * write path, and — while it is the writer — every other region's global write path, which
 * ends at its database.
 */
async function proxiesOf(region: RegionId): Promise<string[]> {
  const writer = await globalWriter()
  return [
    ...wanLinks().filter((link) => link.from === region || link.to === region).map((link) => link.name),
    ...globalProxies().filter((p) => p.region === region || region === writer).map((p) => p.name),
  ]
}

/**
 * How a WAN link fails, as the drill and the tests make it:
 * - `refuse`: the proxy is disabled, so connects are refused and open connections reset at
 *   once — the easy case, a dead host on a live network;
 * - `blackhole`: every byte is held in both directions, nothing is refused or closed — a cut
 *   fibre, a withdrawn route, a dead middlebox; only deadlines notice it;
 * - `slow`: every link's one-way latency ×10 — a reroute over a congested path;
 * - `flap`: blackholed and healed in turn every few seconds — a route that keeps flapping.
 */
export const FAULT_MODES = ['blackhole', 'refuse', 'slow', 'flap'] as const
export type FaultMode = (typeof FAULT_MODES)[number]

/** A fault in force; `heal` undoes exactly it (idempotent, safe in `finally`). */
export interface Fault {
  readonly mode: FaultMode
  readonly region: RegionId
  heal(): Promise<void>
}

export interface FaultOptions {
  /**
   * flap: how long each cut lasts, and each healed spell between cuts. Each cut outlasts a
   * request's deadline, so a client waiting on the link rather than its deadline shows.
   * @default 4000, 2000
   */
  readonly downMs?: number
  readonly upMs?: number
  /** slow: the latency multiplier. @default 10 */
  readonly factor?: number
}

export async function injectFault(region: RegionId, mode: FaultMode, options: FaultOptions = {}): Promise<Fault> {
  switch (mode) {
    case 'refuse':
      return refuseRegion(region)
    case 'blackhole':
      return blackholeRegion(region)
    case 'slow':
      return slowRegion(region, options.factor ?? 10)
    case 'flap':
      return flapRegion(region, options.downMs ?? 4_000, options.upMs ?? 2_000)
  }
}

export async function refuseRegion(region: RegionId): Promise<Fault> {
  await setRegionLinks(region, false)
  return { mode: 'refuse', region, heal: () => setRegionLinks(region, true) }
}

const BLACKHOLE = 'blackhole'

async function addBlackhole(region: RegionId): Promise<void> {
  // timeout 0: data is dropped and the connection is never closed while the toxic holds.
  await forEachStream(region, (name, stream) =>
    api('POST', `/proxies/${name}/toxics`, { name: `${BLACKHOLE}_${stream}`, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } }),
  )
}

/** Removing the toxic also closes the connections it held (toxiproxy's timeout Cleanup). */
async function removeToxics(region: RegionId, prefix: string): Promise<void> {
  await forEachStream(region, (name, stream) => api('DELETE', `/proxies/${name}/toxics/${prefix}_${stream}`, undefined, { missingOk: true }))
}

export async function blackholeRegion(region: RegionId): Promise<Fault> {
  await addBlackhole(region)
  return { mode: 'blackhole', region, heal: () => removeToxics(region, BLACKHOLE) }
}

const HELD = 'held'

/**
 * Holds everything `writer` streams to its replicas (binlog events and heartbeats) in the WAN,
 * as a congested link builds a replication backlog: the replicas fall behind while the writer
 * keeps committing. Healing closes the held connections; the replicas reconnect.
 */
export async function holdReplication(writer: RegionId): Promise<{ heal(): Promise<void> }> {
  const links = wanLinks().filter((link) => link.to === writer)
  const toxic = { name: `${HELD}_downstream`, type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } }
  await Promise.all(links.map((link) => api('POST', `/proxies/${link.name}/toxics`, toxic)))
  return { heal: async () => void (await Promise.all(links.map((link) => api('DELETE', `/proxies/${link.name}/toxics/${toxic.name}`, undefined, { missingOk: true })))) }
}

const SLOW = 'slow'

/** Adds (factor − 1) × each direction's current latency, so the link is `factor` times slower. */
export async function slowRegion(region: RegionId, factor: number): Promise<Fault> {
  const latencies = await proxyLatencies()
  await forEachStream(region, async (name, stream) => {
    const latency = Math.round((factor - 1) * (latencies.get(name)?.[stream] ?? 0))
    if (latency > 0) await api('POST', `/proxies/${name}/toxics`, { name: `${SLOW}_${stream}`, type: 'latency', stream, toxicity: 1, attributes: { latency } })
  })
  return { mode: 'slow', region, heal: () => removeToxics(region, SLOW) }
}

/** Blackholes the region for `downMs`, heals it for `upMs`, and so on until healed. */
export async function flapRegion(region: RegionId, downMs: number, upMs: number): Promise<Fault> {
  const stop = new AbortController()
  await addBlackhole(region)
  const loop = (async () => {
    while (!stop.signal.aborted) {
      await sleep(downMs, undefined, { signal: stop.signal }).catch(() => undefined)
      await removeToxics(region, BLACKHOLE)
      if (stop.signal.aborted) return
      await sleep(upMs, undefined, { signal: stop.signal }).catch(() => undefined)
      if (stop.signal.aborted) return
      await addBlackhole(region)
    }
  })()
  return {
    mode: 'flap',
    region,
    async heal() {
      stop.abort()
      await loop
      await removeToxics(region, BLACKHOLE)
    },
  }
}

async function forEachStream(region: RegionId, fn: (proxy: string, stream: Stream) => Promise<unknown>): Promise<void> {
  const names = await proxiesOf(region)
  await Promise.all(names.flatMap((name) => STREAMS.map((stream) => fn(name, stream))))
}

function latencyOf(proxy: ProxyJson): Record<Stream, number> {
  const latency = (stream: Stream) =>
    proxy.toxics.filter((t) => t.type === 'latency' && t.stream === stream).reduce((sum, t) => sum + (t.attributes.latency ?? 0), 0)
  return { upstream: latency('upstream'), downstream: latency('downstream') }
}

/** Every proxy's added latency per direction, by proxy name. */
async function proxyLatencies(): Promise<Map<string, Record<Stream, number>>> {
  const proxies = (await api('GET', '/proxies')) as Record<string, ProxyJson>
  return new Map(Object.values(proxies).map((p) => [p.name, latencyOf(p)]))
}

export async function wanState(): Promise<WanLinkState[]> {
  const proxies = (await api('GET', '/proxies')) as Record<string, ProxyJson>
  return wanLinks().map((link) => {
    const proxy = proxies[link.name]
    if (!proxy) throw new Error(`toxiproxy at ${apiUrl} has no proxy ${link.name}: was the WAN populated?`)
    return { link, enabled: proxy.enabled, latencyMs: latencyOf(proxy) }
  })
}

export interface GlobalProxyState {
  readonly region: RegionId
  readonly upstream: string
  readonly enabled: boolean
  readonly latencyMs: Readonly<Record<Stream, number>>
}

/** Each region's global write proxy as toxiproxy has it now. */
export async function globalProxyState(): Promise<GlobalProxyState[]> {
  const proxies = (await api('GET', '/proxies')) as Record<string, ProxyJson>
  return globalProxies().map((p) => {
    const proxy = proxies[p.name]
    if (!proxy) throw new Error(`toxiproxy at ${apiUrl} has no proxy ${p.name}: was the WAN populated?`)
    return { region: p.region, upstream: proxy.upstream, enabled: proxy.enabled, latencyMs: latencyOf(proxy) }
  })
}

async function api(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, options: { missingOk?: boolean } = {}): Promise<unknown> {
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
  if (response.status === 404 && options.missingOk) return undefined
  if (!response.ok) throw new Error(`toxiproxy API ${method} ${path} answered ${response.status}: ${text.trim()}`)
  return text ? (JSON.parse(text) as unknown) : undefined
}
