import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { Db } from '@pos-fleet/platform/db/client'
import { aliased, directSelect } from '@pos-fleet/platform/db/direct-select'
import { catalogItems } from '@pos-fleet/platform/db/schema/index'
import type { ReferenceData } from '@pos-fleet/platform/reference-data'

const itemColumns = aliased({
  sku: catalogItems.sku,
  name: catalogItems.name,
  priceMinor: catalogItems.priceMinor,
  currency: catalogItems.currency,
})

const merchant = eq(catalogItems.merchantId, sql.placeholder('merchantId'))

/**
 * Catalog and store look-ups: always the local replica. What a sale needs (store, prices,
 * floor limit) goes through the reference data, which answers from memory while the replica
 * is down; browsing the catalog does not (a terminal can retry it, a customer at the till
 * cannot wait). The reads are built once, on first use (building drizzle's SQL per request was
 * a fifth of a catalog read's CPU), and run by mysql2 directly (see direct-select.ts), issue 17.
 */
export function createCatalogRepository(read: Db, reference: ReferenceData) {
  let prepared: ReturnType<typeof prepare> | undefined
  const statements = () => (prepared ??= prepare(read))
  return {
    page: (merchantId: string, after: string | undefined, limit: number) =>
      after === undefined ? statements().firstPage({ merchantId, limit }) : statements().nextPage({ merchantId, after, limit }),

    async item(merchantId: string, sku: string) {
      const [found] = await statements().item({ merchantId, sku })
      return found
    },

    prices: (merchantId: string, skus: string[]) => reference.items(merchantId, skus),
    offlineFloorLimitMinor: (merchantId: string) => reference.offlineFloorLimitMinor(merchantId),
    store: (storeId: string) => reference.store(storeId),
  }
}

function prepare(read: Db) {
  const page = (after: boolean) =>
    directSelect(
      read,
      read
        .select(itemColumns)
        .from(catalogItems)
        .where(after ? and(merchant, gt(catalogItems.sku, sql.placeholder('after'))) : merchant)
        .orderBy(asc(catalogItems.sku))
        .limit(sql.placeholder('limit')),
    )
  return {
    firstPage: page(false),
    nextPage: page(true),
    item: directSelect(read, read.select(itemColumns).from(catalogItems).where(and(merchant, eq(catalogItems.sku, sql.placeholder('sku'))))),
  }
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>
