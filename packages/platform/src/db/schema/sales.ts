import { type InferSelectModel, sql } from 'drizzle-orm'
import { bigint, char, datetime, index, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'

export const sales = mysqlTable(
  'sales',
  {
    id: varchar('id', { length: 36 }).primaryKey(),
    merchantId: varchar('merchant_id', { length: 64 }).notNull(),
    storeId: varchar('store_id', { length: 64 }).notNull(),
    terminalId: varchar('terminal_id', { length: 64 }).notNull(),
    /** Region whose storefront accepted the sale. */
    originRegion: varchar('origin_region', { length: 32 }).notNull(),
    idempotencyKey: varchar('idempotency_key', { length: 255 }).notNull(),
    /** SHA-256 of the canonical request body: the same key with another body is refused. */
    requestHash: char('request_hash', { length: 64 }).notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    createdAt: datetime('created_at', { fsp: 3, mode: 'string' }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [
    // The idempotency guarantee lives in the database, not in a process's memory.
    uniqueIndex('sales_merchant_idempotency_uq').on(t.merchantId, t.idempotencyKey),
    index('sales_store_created_idx').on(t.storeId, t.createdAt),
  ],
)

export type Sale = InferSelectModel<typeof sales>
