import { type InferSelectModel, sql } from 'drizzle-orm'
import { bigint, char, datetime, mysqlTable, varchar } from 'drizzle-orm/mysql-core'

export const merchants = mysqlTable('merchants', {
  id: varchar('id', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  offlineFloorLimitMinor: bigint('offline_floor_limit_minor', { mode: 'number' }).notNull(),
  createdAt: datetime('created_at', { fsp: 3, mode: 'string' }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
})

export type Merchant = InferSelectModel<typeof merchants>
