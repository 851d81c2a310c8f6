import { setTimeout as sleep } from 'node:timers/promises'
import { loopbackAddressing, topology, wanLinks } from '@pos-fleet/topology'
import type { RegionId, WanLink } from '@pos-fleet/topology'
import { STREAMS, type Stream, latencyToxics, wanProxies } from '@pos-fleet/topology/wan'
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
  await Promise.all(linksOf(region).map((link) => api('POST', `/proxies/${link.name}`, { enabled })))
}

/** The links into and out of `region`: its write path, its replication stream, and the reverse ones. */
function linksOf(region: RegionId): WanLink[] {
  return wanLinks().filter((link) => link.from === region || link.to === region)
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
  await forEachStream(region, (link, stream) =>
    api('POST', `/proxies/${link.name}/toxics`, { name: `${BLACKHOLE}_${stream}`, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } }),
  )
}

/** Removing the toxic also closes the connections it held (toxiproxy's timeout Cleanup). */
async function removeToxics(region: RegionId, prefix: string): Promise<void> {
  await forEachStream(region, (link, stream) => api('DELETE', `/proxies/${link.name}/toxics/${prefix}_${stream}`, undefined, { missingOk: true }))
}

export async function blackholeRegion(region: RegionId): Promise<Fault> {
  await addBlackhole(region)
  return { mode: 'blackhole', region, heal: () => removeToxics(region, BLACKHOLE) }
}

const SLOW = 'slow'

/** Adds (factor − 1) × each direction's current latency, so the link is `factor` times slower. */
export async function slowRegion(region: RegionId, factor: number): Promise<Fault> {
  const state = new Map((await wanState()).map((s) => [s.link.name, s]))
  await forEachStream(region, async (link, stream) => {
    const latency = Math.round((factor - 1) * (state.get(link.name)?.latencyMs[stream] ?? 0))
    if (latency > 0) await api('POST', `/proxies/${link.name}/toxics`, { name: `${SLOW}_${stream}`, type: 'latency', stream, toxicity: 1, attributes: { latency } })
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

async function forEachStream(region: RegionId, fn: (link: WanLink, stream: Stream) => Promise<unknown>): Promise<void> {
  await Promise.all(linksOf(region).flatMap((link) => STREAMS.map((stream) => fn(link, stream))))
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
