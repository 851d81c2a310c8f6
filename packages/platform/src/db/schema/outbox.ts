import { type InferSelectModel, sql } from 'drizzle-orm'
import { datetime, index, int, json, mysqlTable, varchar } from 'drizzle-orm/mysql-core'

/**
 * Transactional outbox: written in the same transaction as the state change it
 * announces, drained by payments-worker in the writer region.
 */
export const outbox = mysqlTable(
  'outbox',
  {
    id: varchar('id', { length: 36 }).primaryKey(),
    eventType: varchar('event_type', { length: 64 }).notNull(),
    aggregateId: varchar('aggregate_id', { length: 36 }).notNull(),
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    /** W3C trace context of the request that wrote the row, so the drain continues its trace. */
    traceContext: json('trace_context').$type<Record<string, string>>().notNull(),
    attempts: int('attempts').notNull().default(0),
    lastError: varchar('last_error', { length: 500 }),
    createdAt: datetime('created_at', { fsp: 6, mode: 'string' }).notNull().default(sql`CURRENT_TIMESTAMP(6)`),
    availableAt: datetime('available_at', { fsp: 6, mode: 'string' }).notNull().default(sql`CURRENT_TIMESTAMP(6)`),
    processedAt: datetime('processed_at', { fsp: 6, mode: 'string' }),
  },
  (t) => [index('outbox_pending_idx').on(t.processedAt, t.availableAt)],
)

export type OutboxRow = InferSelectModel<typeof outbox>
