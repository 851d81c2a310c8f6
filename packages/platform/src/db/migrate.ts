import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/mysql2'
import { migrate } from 'drizzle-orm/mysql2/migrator'
import mysql from 'mysql2/promise'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))

/** Applies the committed drizzle-kit SQL migrations. Run at the writer only; replicas get them by replication. */
export async function runMigrations(writerUrl: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: writerUrl, multipleStatements: true })
  try {
    await migrate(drizzle({ client: conn }), { migrationsFolder: MIGRATIONS_FOLDER })
  } finally {
    await conn.end()
  }
}
