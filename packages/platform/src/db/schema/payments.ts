import { type InferSelectModel, sql } from 'drizzle-orm'
import { bigint, char, datetime, int, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'

export const payments = mysqlTable(
  'payments',
  {
    id: varchar('id', { length: 36 }).primaryKey(),
    saleId: varchar('sale_id', { length: 36 }).notNull(),
    merchantId: varchar('merchant_id', { length: 64 }).notNull(),
    method: varchar('method', { length: 8 }).notNull(),
    /** Gateway card token (never a card number). Null for cash. */
    token: varchar('token', { length: 128 }),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    gatewayChargeId: varchar('gateway_charge_id', { length: 64 }),
    declineCode: varchar('decline_code', { length: 64 }),
    attempts: int('attempts').notNull().default(0),
    updatedAt: datetime('updated_at', { fsp: 3, mode: 'string' }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [uniqueIndex('payments_sale_uq').on(t.saleId)],
)

export type Payment = InferSelectModel<typeof payments>
