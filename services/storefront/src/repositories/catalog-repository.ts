import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import type { Db } from '@pos-fleet/platform/db/client'
import { catalogItems } from '@pos-fleet/platform/db/schema/index'
import { merchants, stores } from '@pos-fleet/platform/db/schema/index'

const itemColumns = {
  sku: catalogItems.sku,
  name: catalogItems.name,
  priceMinor: catalogItems.priceMinor,
  currency: catalogItems.currency,
}

/** Catalog and store look-ups: always the local replica. */
export function createCatalogRepository(read: Db) {
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

    async prices(merchantId: string, skus: string[]) {
      return read
        .select(itemColumns)
        .from(catalogItems)
        .where(and(eq(catalogItems.merchantId, merchantId), inArray(catalogItems.sku, skus)))
    },

    async offlineFloorLimitMinor(merchantId: string): Promise<number> {
      const [m] = await read.select({ limit: merchants.offlineFloorLimitMinor }).from(merchants).where(eq(merchants.id, merchantId))
      return m?.limit ?? 0
    },

    async store(storeId: string) {
      const [store] = await read.select().from(stores).where(eq(stores.id, storeId))
      return store
    },
  }
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>
