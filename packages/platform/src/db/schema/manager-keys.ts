import type { InferSelectModel } from 'drizzle-orm'
import { char, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'

/** Inventory managers' API keys (restocks and adjustments), merchant-scoped, hashed. */
export const managerKeys = mysqlTable(
  'manager_keys',
  {
    id: varchar('id', { length: 64 }).primaryKey(),
    merchantId: varchar('merchant_id', { length: 64 }).notNull(),
    label: varchar('label', { length: 200 }).notNull(),
    apiKeyHash: char('api_key_hash', { length: 64 }).notNull(),
  },
  (t) => [uniqueIndex('manager_keys_api_key_hash_uq').on(t.apiKeyHash)],
)

export type ManagerKey = InferSelectModel<typeof managerKeys>
