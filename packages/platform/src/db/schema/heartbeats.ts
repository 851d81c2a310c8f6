import { datetime, mysqlTable, varchar } from 'drizzle-orm/mysql-core'

/**
 * One row per region, stamped with the writer's clock through the write path;
 * each region reads the newest stamp from its replica to measure replication lag.
 */
export const heartbeats = mysqlTable('heartbeats', {
  region: varchar('region', { length: 32 }).primaryKey(),
  beatAt: datetime('beat_at', { fsp: 6, mode: 'string' }).notNull(),
})
