import { and, asc, eq, gt } from 'drizzle-orm'
import type { Db } from '@pos-fleet/platform/db/client'
import { catalogItems } from '@pos-fleet/platform/db/schema/index'
import type { ReferenceData } from '@pos-fleet/platform/reference-data'

const itemColumns = {
  sku: catalogItems.sku,
  name: catalogItems.name,
  priceMinor: catalogItems.priceMinor,
  currency: catalogItems.currency,
}

/**
 * Catalog and store look-ups: always the local replica. What a sale needs (store, prices,
 * floor limit) goes through the reference data, which answers from memory while the replica
 * is down; browsing the catalog does not (a terminal can retry it, a customer at the till
 * cannot wait).
 */
export function createCatalogRepository(read: Db, reference: ReferenceData) {
  return {
    async page(merchantId: string, after: string | undefined, limit: number) {
      return read
        .select(itemColumns)
        .from(catalogItems)
        .where(and(eq(catalogItems.merchantId, merchantId), after ? gt(catalogItems.sku, after) : undefined))
        .orderBy(asc(catalogItems.sku))
        .limit(limit)
    },

    async item(merchantId: string, sku: string) {
      const [item] = await read
        .select(itemColumns)
        .from(catalogItems)
        .where(and(eq(catalogItems.merchantId, merchantId), eq(catalogItems.sku, sku)))
      return item
    },

    prices: (merchantId: string, skus: string[]) => reference.items(merchantId, skus),
    offlineFloorLimitMinor: (merchantId: string) => reference.offlineFloorLimitMinor(merchantId),
    store: (storeId: string) => reference.store(storeId),
  }
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>
