import { type RegionId, regions } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import type { WanLinkState } from '../infra/toxiproxy.js'
import type { Sample } from '../observe/prometheus-text.js'
import { type FleetSnapshot, type Reading, linkViews, paymentsView, regionView, scrapeMetrics } from './snapshot.js'

/** Rates and p99 are taken over this much of the recent past. */
export const WINDOW_MS = 10_000

export interface CollectorSources {
  /** Read anew each time: the writer (and with it payments-worker) may move. */
  endpoints(): Endpoints
  wan(): Promise<WanLinkState[]>
  scrape?(url: string): Promise<Sample[]>
  now?(): number
}

/**
 * Builds snapshot after snapshot from the running fleet: endpoints.json, toxiproxy's links
 * and every service's /metrics. Keeps each storefront's recent readings for the window.
 */
export function createCollector(src: CollectorSources) {
  const scrape = src.scrape ?? ((url: string) => scrapeMetrics(url))
  const now = src.now ?? Date.now
  const history = new Map<RegionId, Reading[]>()

  return async function collect(): Promise<FleetSnapshot> {
    const e = src.endpoints()
    const at = now()
    const unreachable: string[] = []
    const tryScrape = async (name: string, url: string | undefined): Promise<Sample[] | undefined> => {
      if (!url) return undefined
      try {
        return await scrape(url)
      } catch (err) {
        unreachable.push(`${name}: ${(err as Error).message}`)
        return undefined
      }
    }
    const worker = regions.map((r) => e.regions[r.id].paymentsWorker).find(Boolean)
    const [links, workerSamples, ...perRegion] = await Promise.all([
      src.wan().then(
        (states) => linkViews(states, e.wanScale),
        (err: Error) => {
          unreachable.push(`toxiproxy: ${err.message}`)
          return []
        },
      ),
      tryScrape('payments-worker', worker),
      ...regions.map(async (r) => ({
        id: r.id,
        storefront: await tryScrape(`storefront ${r.id}`, e.regions[r.id].storefront),
        inventoryDelta: await tryScrape(`inventory-delta ${r.id}`, e.regions[r.id].inventoryDelta),
      })),
    ])
    const regionViews = perRegion.map((p) => {
      const readings = history.get(p.id) ?? []
      if (p.storefront) readings.push({ atMs: at, samples: p.storefront })
      while (readings.length > 1 && readings[0]!.atMs < at - WINDOW_MS) readings.shift()
      history.set(p.id, readings)
      const windowStart = readings.length > 1 ? readings[0] : undefined
      return regionView(p.id, e.writer, { ...(p.storefront ? { storefront: p.storefront } : {}), ...(p.inventoryDelta ? { inventoryDelta: p.inventoryDelta } : {}), ...(windowStart ? { windowStart } : {}), now: at })
    })
    return { at: new Date(at).toISOString(), writer: e.writer, regions: regionViews, links, payments: paymentsView(workerSamples), unreachable }
  }
}
