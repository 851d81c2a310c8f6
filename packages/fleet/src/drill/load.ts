import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type InventoryClient, type StorefrontClient, inventoryClient, storefrontClient } from '@pos-fleet/api-client/index'
import { type RegionId, REGION_IDS, catalogItem } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'

/**
 * The POS traffic of a drill: every region's terminals selling and its inventory managers
 * restocking at an open-loop rate, with what each answer accepted recorded, so the drill can
 * check afterwards that the system of record holds exactly that. Terminals retry a request
 * that got no answer with the same Idempotency-Key, as a real terminal must.
 */

export interface Accepted {
  /** The customer's sale this answer belongs to: one per sale made, whatever the retries. */
  readonly intent: number
  readonly region: RegionId
  readonly merchantId: string
  readonly storeId: string
  readonly key: string
  readonly saleId: string
  readonly mode: 'online' | 'offline'
  readonly method: 'card' | 'cash'
  readonly paymentId: string
  readonly lines: ReadonlyArray<{ sku: string; quantity: number }>
  /** performance.now() when the sale was first sent and when it was answered. */
  readonly sentAt: number
  readonly answeredAt: number
}

export interface Restock {
  readonly region: RegionId
  readonly merchantId: string
  readonly storeId: string
  readonly sku: string
  readonly deltaId: string
  readonly quantity: number
  readonly mode: 'online' | 'offline'
}

export interface RegionReport {
  salesOnline: number
  salesOffline: number
  refused: number
  restocksOnline: number
  restocksOffline: number
}

export interface SlowestAnswer {
  ms: number
  kind: 'sale' | 'restock'
  /** HTTP status, or null when no answer came before the client gave up. */
  status: number | null
}

/** A request that never got a definitive answer: it may or may not have been committed. */
export type InDoubt =
  | { readonly kind: 'sale'; readonly key: string; readonly storeId: string; readonly lines: ReadonlyArray<{ sku: string; quantity: number }> }
  | { readonly kind: 'restock'; readonly deltaId: string; readonly storeId: string; readonly sku: string; readonly quantity: number }

export type DrillStore = Endpoints['terminals'][number] & { manager: Endpoints['inventoryManagers'][number] }

/** Two items per demo merchant, at the spec's prices. */
export const DRILL_SKUS: Record<string, Array<{ sku: string; price: number }>> = Object.fromEntries(
  Object.entries({ mer_harbour: ['ESP-DBL', 'CRS-BTR'], mer_linden: ['BK-NOVEL', 'BAG-TOTE'] }).map(([merchantId, skus]) => [
    merchantId,
    skus.map((sku) => ({ sku, price: catalogItem(merchantId, sku).priceMinor })),
  ]),
)

/** A terminal gives up waiting for an answer after this and retries with the same Idempotency-Key. */
const CLIENT_TIMEOUT_MS = 10_000

/** The region's storefront as a terminal calls it: the generated client, with the terminal's timeout. */
export function drillStorefront(endpoints: Endpoints, region: RegionId, apiKey: string): StorefrontClient {
  return storefrontClient(endpoints.regions[region].storefront, { apiKey, timeoutMs: CLIENT_TIMEOUT_MS })
}

/** The region's inventory-delta, likewise (the URL is read per call: a failover re-points regions). */
export function drillInventory(endpoints: Endpoints, region: RegionId, apiKey: string): InventoryClient {
  return inventoryClient(endpoints.regions[region].inventoryDelta, { apiKey, timeoutMs: CLIENT_TIMEOUT_MS })
}

/** An answer's status, its body on a 2xx, and its Retry-After (seconds) when it sent one. */
function answerOf<T>(r: { data?: T; response: Response }) {
  const retryAfterS = Number(r.response.headers.get('retry-after'))
  return { status: r.response.status, data: r.data, ...(Number.isFinite(retryAfterS) && retryAfterS > 0 ? { retryAfterS } : {}) }
}

/** One store's stock of one SKU as `region` answers it, or the status it answered instead. */
export async function readStock(endpoints: Endpoints, region: RegionId, store: DrillStore, sku: string) {
  const r = await drillInventory(endpoints, region, store.manager.apiKey).GET('/v1/inventory/{storeId}/{sku}', { params: { path: { storeId: store.storeId, sku } } })
  return { status: r.response.status, stock: r.data }
}

/**
 * How a terminal treats an answer that settles nothing — no answer, or a 5xx: the outcome is
 * unknown, so it retries under the same key (after Retry-After, at most 2 s) for up to about
 * half a minute. Only a 4xx is a definitive refusal.
 */
const ATTEMPTS = 40
const RETRY_MS = 500
const retryDelay = (r?: { retryAfterS?: number }) => Math.min(2_000, r?.retryAfterS ? r.retryAfterS * 1000 : RETRY_MS)

export function drillStores(endpoints: Endpoints): DrillStore[] {
  return endpoints.terminals.map((t) => ({ ...t, manager: endpoints.inventoryManagers.find((m) => m.merchantId === t.merchantId)! }))
}

/** Stock of every drill SKU, read where it is authoritative: the writer region. */
export async function readBaseline(endpoints: Endpoints): Promise<Map<string, number>> {
  const baseline = new Map<string, number>()
  for (const s of drillStores(endpoints)) {
    for (const { sku } of DRILL_SKUS[s.merchantId]!) {
      const r = await readStock(endpoints, endpoints.writer, s, sku)
      if (!r.stock) throw new Error(`the baseline stock read of ${s.storeId}/${sku} answered HTTP ${r.status}`)
      baseline.set(`${s.storeId}/${sku}`, r.stock.onHand)
    }
  }
  return baseline
}

export interface PosLoad {
  /** Every Idempotency-Key of this run starts so: the writer's rows of this run are found by it. */
  readonly keyPrefix: string
  readonly stores: readonly DrillStore[]
  readonly accepted: Accepted[]
  readonly restocks: Restock[]
  /** Sales sent that were never accepted still count: the writer may have committed them. */
  readonly sentKeys: Map<string, number>
  /** Stock effect of sales sent beyond their intent (an injected broken invariant). */
  readonly extraLines: Array<{ storeId: string; sku: string; quantity: number }>
  readonly perRegion: Record<RegionId, RegionReport>
  /** Requests still without a definitive answer after every retry: the drill reads their fate from the writer. */
  readonly inDoubt: InDoubt[]
  slowest(): SlowestAnswer
  /** Sells once more outside the schedule (`intent` given: a retry of that customer's sale under a new key). */
  sell(store: DrillStore, n: number, intent?: number): Promise<Accepted | undefined>
  newIntent(): number
  /** Stops scheduling and waits for every request in flight. */
  stop(): Promise<void>
}

/** Starts `rate` requests per second per terminal: four sales (a third of them cash) and then a restock. */
export function startPosLoad(endpoints: Endpoints, o: { readonly rate: number }): PosLoad {
  const perRegion = Object.fromEntries(
    REGION_IDS.map((r) => [r, { salesOnline: 0, salesOffline: 0, refused: 0, restocksOnline: 0, restocksOffline: 0 }]),
  ) as Record<RegionId, RegionReport>
  const keyPrefix = `drill-${randomUUID()}-`
  const accepted: Accepted[] = []
  const restocks: Restock[] = []
  const sentKeys = new Map<string, number>()
  const inDoubt: InDoubt[] = []
  let intents = 0
  let slowest: SlowestAnswer = { ms: 0, kind: 'sale', status: 0 }
  const stores = drillStores(endpoints)

  async function timed<T extends { status: number }>(kind: SlowestAnswer['kind'], request: () => Promise<T>): Promise<T> {
    const started = performance.now()
    let status: number | null = null
    try {
      const r = await request()
      status = r.status
      return r
    } finally {
      const ms = Math.round(performance.now() - started)
      if (ms > slowest.ms) slowest = { ms, kind, status }
    }
  }

  async function sell(s: DrillStore, n: number, intent = intents++): Promise<Accepted | undefined> {
    const item = DRILL_SKUS[s.merchantId]![n % 2]!
    const quantity = 1 + (n % 2)
    const method: 'card' | 'cash' = n % 3 === 0 ? 'cash' : 'card'
    const body = {
      storeId: s.storeId,
      lines: [{ sku: item.sku, quantity }],
      payment: { method, ...(method === 'card' ? { token: 'tok_visa' } : {}), amountMinor: item.price * quantity },
    }
    const key = `${keyPrefix}${randomUUID()}`
    sentKeys.set(key, intent)
    const sentAt = performance.now()
    const storefront = drillStorefront(endpoints, s.region, s.apiKey)
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let r: ReturnType<typeof answerOf<{ saleId: string; payment: { paymentId: string } }>>
      try {
        r = await timed('sale', async () => answerOf(await storefront.POST('/v1/sales', { body, params: { header: { 'idempotency-key': key } } })))
      } catch {
        await sleep(RETRY_MS)
        continue
      }
      if (r.data && (r.status === 201 || r.status === 202)) {
        perRegion[s.region][r.status === 201 ? 'salesOnline' : 'salesOffline']++
        const entry: Accepted = {
          intent,
          region: s.region,
          merchantId: s.merchantId,
          storeId: s.storeId,
          key,
          saleId: r.data.saleId,
          mode: r.status === 201 ? 'online' : 'offline',
          method,
          paymentId: r.data.payment.paymentId,
          lines: body.lines,
          sentAt,
          answeredAt: performance.now(),
        }
        accepted.push(entry)
        return entry
      }
      if (r.status < 500) {
        perRegion[s.region].refused++
        return undefined
      }
      await sleep(retryDelay(r))
    }
    perRegion[s.region].refused++
    inDoubt.push({ kind: 'sale', key, storeId: s.storeId, lines: body.lines })
    return undefined
  }

  async function restock(s: DrillStore, n: number): Promise<void> {
    const item = DRILL_SKUS[s.merchantId]![n % 2]!
    const deltaId = `drill-restock-${randomUUID()}`
    const body = { deltaId, storeId: s.storeId, sku: item.sku, quantity: 5, reason: 'restock' as const }
    const inventory = drillInventory(endpoints, s.region, s.manager.apiKey)
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let r: ReturnType<typeof answerOf>
      try {
        r = await timed('restock', async () => answerOf(await inventory.POST('/v1/inventory/deltas', { body })))
      } catch {
        await sleep(RETRY_MS)
        continue
      }
      if (r.status === 201 || r.status === 200 || r.status === 202) {
        const mode = r.status === 202 ? 'offline' : 'online'
        perRegion[s.region][mode === 'online' ? 'restocksOnline' : 'restocksOffline']++
        restocks.push({ region: s.region, merchantId: s.merchantId, storeId: s.storeId, sku: item.sku, deltaId, quantity: 5, mode })
        return
      }
      if (r.status < 500) return
      await sleep(retryDelay(r))
    }
    inDoubt.push({ kind: 'restock', deltaId, storeId: s.storeId, sku: item.sku, quantity: 5 })
  }

  let stopped = false
  const running = stores.map(async (s) => {
    const started = performance.now()
    const inflight: Promise<void>[] = []
    for (let n = 0; !stopped; n++) {
      const wait = started + (n * 1000) / o.rate - performance.now()
      if (wait > 0) await sleep(wait)
      if (stopped) break
      inflight.push(n % 5 === 4 ? restock(s, n) : sell(s, n).then(() => undefined))
    }
    await Promise.all(inflight)
  })

  return {
    keyPrefix,
    stores,
    accepted,
    restocks,
    sentKeys,
    extraLines: [],
    perRegion,
    inDoubt,
    slowest: () => slowest,
    sell,
    newIntent: () => intents++,
    async stop() {
      stopped = true
      await Promise.all(running)
    },
  }
}

/** The stock every region must show once everything accepted is committed: baseline minus sales plus restocks. */
export function expectedStock(baseline: ReadonlyMap<string, number>, load: PosLoad): Map<string, number> {
  const expected = new Map(baseline)
  const add = (storeId: string, sku: string, quantity: number) => expected.set(`${storeId}/${sku}`, (expected.get(`${storeId}/${sku}`) ?? 0) + quantity)
  for (const a of load.accepted) for (const l of a.lines) add(a.storeId, l.sku, -l.quantity)
  for (const r of load.restocks) add(r.storeId, r.sku, r.quantity)
  for (const l of load.extraLines) add(l.storeId, l.sku, -l.quantity)
  return expected
}
