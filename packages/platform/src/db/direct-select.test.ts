import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/mysql2'
import { describe, expect, it } from 'vitest'
import type { Db } from './client.js'
import { aliased, directSelect } from './direct-select.js'
import { catalogItems } from './schema/index.js'

/** A Db over a client that records what it is asked and answers `rows` (the binding is what is under test, not MariaDB). */
function recordingDb(rows: unknown[]) {
  const asked: Array<{ sql: string; values: unknown[] }> = []
  const client = { query: async (text: string, values: unknown[]) => (asked.push({ sql: text, values }), [rows, []]) }
  return { db: drizzle(client as never, { mode: 'default' }) as unknown as Db, asked }
}

const columns = aliased({ sku: catalogItems.sku, priceMinor: catalogItems.priceMinor })

describe('directSelect', () => {
  it('names every output column after its key and binds placeholders by name, in the order of the SQL', async () => {
    const { db, asked } = recordingDb([{ sku: 'ESP-DBL', priceMinor: 350 }])
    const select = directSelect(
      db,
      db
        .select(columns)
        .from(catalogItems)
        .where(and(eq(catalogItems.merchantId, sql.placeholder('merchantId')), eq(catalogItems.sku, sql.placeholder('sku')))),
    )
    expect(await select({ sku: 'ESP-DBL', merchantId: 'mer_1' })).toEqual([{ sku: 'ESP-DBL', priceMinor: 350 }])
    expect(asked).toHaveLength(1)
    expect(asked[0]!.sql).toContain('`sku` as `sku`')
    expect(asked[0]!.sql).toContain('`price_minor` as `priceMinor`')
    expect(asked[0]!.values).toEqual(['mer_1', 'ESP-DBL'])
  })

  it('rejects, asking nothing, when a placeholder has no value', async () => {
    const { db, asked } = recordingDb([])
    const select = directSelect(db, db.select(columns).from(catalogItems).where(eq(catalogItems.merchantId, sql.placeholder('merchantId'))))
    await expect(select({})).rejects.toThrow('no value for placeholder "merchantId"')
    expect(asked).toEqual([])
  })
})
