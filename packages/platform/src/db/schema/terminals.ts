import type { InferSelectModel } from 'drizzle-orm'
import { char, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'

/** A POS terminal. Its API key is stored only as a SHA-256 hash. */
export const terminals = mysqlTable(
  'terminals',
  {
    id: varchar('id', { length: 64 }).primaryKey(),
    merchantId: varchar('merchant_id', { length: 64 }).notNull(),
    storeId: varchar('store_id', { length: 64 }).notNull(),
    label: varchar('label', { length: 200 }).notNull(),
    apiKeyHash: char('api_key_hash', { length: 64 }).notNull(),
  },
  (t) => [uniqueIndex('terminals_api_key_hash_uq').on(t.apiKeyHash)],
)

export type Terminal = InferSelectModel<typeof terminals>
