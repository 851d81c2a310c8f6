import { and, eq, inArray } from 'drizzle-orm'
import type { Db } from './db/client.js'
import { type CatalogItem, type Store, catalogItems, merchants, stores } from './db/schema/index.js'
import type { StaleIfError } from './stale-if-error.js'

/** What a sale or a restock prices and checks against; `merchantId` is implied by the key. */
export type PricedItem = Pick<CatalogItem, 'sku' | 'name' | 'priceMinor' | 'currency'>

/** Where reference data comes from: the local replica (replicaReferenceSource), or a stand-in in tests. */
export interface ReferenceSource {
  store(storeId: string): Promise<Store | undefined>
  /** undefined: no such merchant. */
  offlineFloorLimitMinor(merchantId: string): Promise<number | undefined>
  items(merchantId: string, skus: string[]): Promise<PricedItem[]>
}

export function replicaReferenceSource(read: Db): ReferenceSource {
  return {
    async store(storeId) {
      const [store] = await read.select().from(stores).where(eq(stores.id, storeId))
      return store
    },
    async offlineFloorLimitMinor(merchantId) {
      const [m] = await read.select({ limit: merchants.offlineFloorLimitMinor }).from(merchants).where(eq(merchants.id, merchantId))
      return m?.limit
    },
    async items(merchantId, skus) {
      return read
        .select({ sku: catalogItems.sku, name: catalogItems.name, priceMinor: catalogItems.priceMinor, currency: catalogItems.currency })
        .from(catalogItems)
        .where(and(eq(catalogItems.merchantId, merchantId), inArray(catalogItems.sku, skus)))
    },
  }
}

export interface ReferenceData {
  store(storeId: string): Promise<Store | undefined>
  /** 0 for a merchant the replica does not know (no card sale offline), as before. */
  offlineFloorLimitMinor(merchantId: string): Promise<number>
  /** The items of `skus` that exist; an unknown SKU is simply absent. */
  items(merchantId: string, skus: readonly string[]): Promise<PricedItem[]>
  /** Whether the merchant's catalog has `sku`, for scope checks that need no price (a stock read). */
  hasItem(merchantId: string, sku: string): Promise<boolean>
  /**
   * The scope check of every stock read without a promise: true when the store and the SKU are
   * held fresh, the store is the merchant's and the SKU in its catalog. false only means "not
   * known from memory": ask `store` and `hasItem`.
   */
  inScopeFresh(merchantId: string, storeId: string, sku: string): boolean
}

const MAX_ENTRIES = 50_000
/** A floor-limit change reaches offline card sales within this long. */
const FLOOR_LIMIT_FRESH_MS = 60_000
/**
 * Stores and the SKUs a stock read is scoped by are read once a minute: two replica round
 * trips on every stock read were most of its cost (issue 17). A renamed store shows its new
 * name, a SKU taken out of the catalog stops answering stock reads, within this long.
 */
const SCOPE_FRESH_MS = 60_000

/**
 * Stores, floor limits and prices through the stale-if-error caches. Prices are read from the
 * replica on every request (freshMs 0: a price change applies to the next sale), stores, floor
 * limits and the SKUs of stock reads once a minute;
 * memory only answers when the replica does not. What that may serve, and why it is safe:
 * - a store's merchant and region: fixed once created;
 * - a merchant's offline floor limit: a risk setting; an hour-old limit on a provisional sale
 *   is the same bet a card-present terminal makes offline;
 * - a price: the sale is priced as the catalog stood at most REFERENCE_MAX_STALE_MS ago, the
 *   price a shelf label may show; the committed sale records the price it was sold at.
 * A SKU, store or merchant the replica said does not exist is not held, so it stays refused.
 */
export function createReferenceData(source: ReferenceSource, staleIfError: StaleIfError): ReferenceData {
  const storeCache = staleIfError.cache<Store>('stores', { freshMs: SCOPE_FRESH_MS, max: MAX_ENTRIES })
  const skuCache = staleIfError.cache<true>('catalog SKUs', { freshMs: SCOPE_FRESH_MS, max: MAX_ENTRIES })
  // Read on every sale (routes/sales.ts keeps it in memory for an outage): held fresh a minute.
  const floorCache = staleIfError.cache<number>('floor limits', { freshMs: FLOOR_LIMIT_FRESH_MS, max: MAX_ENTRIES })
  const itemCache = staleIfError.cache<PricedItem>('catalog prices', { freshMs: 0, max: MAX_ENTRIES })
  const itemKey = (merchantId: string, sku: string) => `${merchantId}\u0000${sku}`
  return {
    store: (storeId) => storeCache.get(storeId, (id) => source.store(id)),
    offlineFloorLimitMinor: async (merchantId) => (await floorCache.get(merchantId, (id) => source.offlineFloorLimitMinor(id))) ?? 0,
    async items(merchantId, skus) {
      const bySku = new Map(skus.map((sku) => [itemKey(merchantId, sku), sku]))
      const found = await itemCache.getMany([...bySku.keys()], async (keys) => {
        const rows = await source.items(merchantId, keys.map((k) => bySku.get(k) as string))
        return new Map(rows.map((r) => [itemKey(merchantId, r.sku), r]))
      })
      return [...found.values()]
    },
    async hasItem(merchantId, sku) {
      const known = await skuCache.get(itemKey(merchantId, sku), async () => ((await source.items(merchantId, [sku])).length > 0 ? true : undefined))
      return known === true
    },
    inScopeFresh: (merchantId, storeId, sku) => storeCache.fresh(storeId)?.merchantId === merchantId && skuCache.fresh(itemKey(merchantId, sku)) === true,
  }
}
