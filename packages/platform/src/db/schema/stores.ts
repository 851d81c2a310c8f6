import type { InferSelectModel } from 'drizzle-orm'
import { index, mysqlTable, varchar } from 'drizzle-orm/mysql-core'

export const stores = mysqlTable(
  'stores',
  {
    id: varchar('id', { length: 64 }).primaryKey(),
    merchantId: varchar('merchant_id', { length: 64 }).notNull(),
    /** The region whose storefront the store's terminals talk to. */
    region: varchar('region', { length: 32 }).notNull(),
    name: varchar('name', { length: 200 }).notNull(),
  },
  (t) => [index('stores_merchant_idx').on(t.merchantId)],
)

export type Store = InferSelectModel<typeof stores>
