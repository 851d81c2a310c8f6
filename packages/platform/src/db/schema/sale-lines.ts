import type { InferSelectModel } from 'drizzle-orm'
import { bigint, int, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core'

export const saleLines = mysqlTable(
  'sale_lines',
  {
    saleId: varchar('sale_id', { length: 36 }).notNull(),
    lineNo: int('line_no').notNull(),
    sku: varchar('sku', { length: 64 }).notNull(),
    quantity: int('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    lineTotalMinor: bigint('line_total_minor', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.lineNo] })],
)

export type SaleLine = InferSelectModel<typeof saleLines>
