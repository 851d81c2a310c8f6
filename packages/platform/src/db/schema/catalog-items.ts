import type { InferSelectModel } from 'drizzle-orm'
import { bigint, char, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core'

export const catalogItems = mysqlTable(
  'catalog_items',
  {
    merchantId: varchar('merchant_id', { length: 64 }).notNull(),
    sku: varchar('sku', { length: 64 }).notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.sku] })],
)

export type CatalogItem = InferSelectModel<typeof catalogItems>
