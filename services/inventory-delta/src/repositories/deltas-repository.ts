import { and, eq, inArray, lt, sql, sum } from 'drizzle-orm'
import type { Database, Db } from '@pos-fleet/platform/db/client'
import { aliased, directSelect } from '@pos-fleet/platform/db/direct-select'
import { inventoryDeltas } from '@pos-fleet/platform/db/schema/index'
import type { ReferenceData } from '@pos-fleet/platform/reference-data'
import { type ReadSource, readerFor, writerPosition } from '@pos-fleet/platform/db/session-token'
import { commitInOneRoundTrip } from '@pos-fleet/platform/db/write-batch'
import type { RegionId } from '@pos-fleet/topology'
import type { DeltaRequest } from '../domain/delta.js'


export interface DeltaToAppend extends DeltaRequest {
  merchantId: string
  originRegion: RegionId
}

/**
 * Insert-if-absent by deltaId through the write path, one multi-row INSERT in one round trip;
 * a duplicate id anywhere surfaces as ER_DUP_ENTRY and nothing is inserted.
 */
export async function appendDeltas(db: Database, deltas: DeltaToAppend[]) {
  return commitInOneRoundTrip(db, 'delta', [
    db.write.insert(inventoryDeltas).values(
      deltas.map((d) => ({
        deltaId: d.deltaId,
        merchantId: d.merchantId,
        storeId: d.storeId,
        sku: d.sku,
        quantity: d.quantity,
        reason: d.reason,
        originRegion: d.originRegion,
      })),
    ),
  ])
}

export async function findDelta(reader: Db, deltaId: string) {
  const [row] = await reader.select().from(inventoryDeltas).where(eq(inventoryDeltas.deltaId, deltaId))
  return row
}

export async function findDeltas(reader: Db, deltaIds: string[]) {
  if (deltaIds.length === 0) return []
  return reader.select().from(inventoryDeltas).where(inArray(inventoryDeltas.deltaId, deltaIds))
}

// Built once per connection pool (replica, write path) on first use, and run by mysql2
// directly (see direct-select.ts): the stock read's hot statement (issue 17).
const onHandStatements = new WeakMap<Db, ReturnType<typeof prepareOnHand>>()
function prepareOnHand(reader: Db) {
  return directSelect(
    reader,
    reader
      .select(aliased({ total: sum(inventoryDeltas.quantity) }))
      .from(inventoryDeltas)
      .where(and(eq(inventoryDeltas.storeId, sql.placeholder('storeId')), eq(inventoryDeltas.sku, sql.placeholder('sku')))),
  )
}

export function onHand(reader: Db, storeId: string, sku: string): Promise<number> {
  let statement = onHandStatements.get(reader)
  if (!statement) onHandStatements.set(reader, (statement = prepareOnHand(reader)))
  return statement({ storeId, sku }).then(([row]) => Number(row?.total ?? 0))
}

/** Stock as one reader sees it, and where it reads from (the response's readFrom). */
function stockOn(reader: Db, source: ReadSource) {
  return {
    source,
    onHand: (storeId: string, sku: string) => onHand(reader, storeId, sku),
    existingDeltaIds: (ids: string[]) => existingDeltaIds(reader, ids),
  }
}

export async function existingDeltaIds(reader: Db, ids: string[]): Promise<Set<string>> {
  const rows = await reader.select({ id: inventoryDeltas.deltaId }).from(inventoryDeltas).where(inArray(inventoryDeltas.deltaId, ids))
  return new Set(rows.map((r) => r.id))
}

/** Store/SKU pairs whose stock went negative: oversold during a partition, to compensate. */
export async function oversold(reader: Db, merchantId: string) {
  const total = sql<string>`SUM(${inventoryDeltas.quantity})`
  const rows = await reader
    .select({ storeId: inventoryDeltas.storeId, sku: inventoryDeltas.sku, onHand: total })
    .from(inventoryDeltas)
    .where(eq(inventoryDeltas.merchantId, merchantId))
    .groupBy(inventoryDeltas.storeId, inventoryDeltas.sku)
    .having(lt(total, 0))
  return rows.map((r) => ({ ...r, onHand: Number(r.onHand) }))
}

/** How many store/SKU pairs, over every merchant, stand below zero on this replica (the covering index serves it). */
export async function oversoldCount(reader: Db): Promise<number> {
  const negative = reader
    .select({ storeId: inventoryDeltas.storeId })
    .from(inventoryDeltas)
    .groupBy(inventoryDeltas.storeId, inventoryDeltas.sku)
    .having(lt(sql`SUM(${inventoryDeltas.quantity})`, 0))
    .as('negative')
  const [row] = await reader.select({ n: sql<string>`COUNT(*)` }).from(negative)
  return Number(row?.n ?? 0)
}

/**
 * Deltas and stock over the read/write split; decorated as `fastify.deltas`. The store and
 * SKU a restock is checked against come from the reference data, which answers from memory
 * while the replica is down (stale-if-error.ts), so a restock still queues.
 */
export function createDeltasRepository(db: Database, sessionWaitMs: number, reference: ReferenceData) {
  return {
    storeOf: (storeId: string) => reference.store(storeId),
    skuExists: (merchantId: string, sku: string) => reference.hasItem(merchantId, sku),
    /** The store and SKU held fresh and in the merchant's scope, answered from memory; false: ask storeOf and skuExists. */
    inScopeFresh: (merchantId: string, storeId: string, sku: string) => reference.inScopeFresh(merchantId, storeId, sku),
    append: (merchantId: string, region: RegionId, d: DeltaRequest) => appendDeltas(db, [{ ...d, merchantId, originRegion: region }]),
    appendMany: (deltas: DeltaToAppend[]) => appendDeltas(db, deltas),
    writerPosition: () => writerPosition(db),
    findOnWritePath: (deltaId: string) => findDelta(db.write, deltaId),
    findOnReplica: (deltaId: string) => findDelta(db.read, deltaId),
    /** Those of these deltas the write path holds: one round trip. */
    findManyOnWritePath: (deltaIds: string[]) => findDeltas(db.write, deltaIds),
    oversold: (merchantId: string) => oversold(db.read, merchantId),
    oversoldCount: () => oversoldCount(db.read),
    /** Without a session token: the local replica, no promise needed to choose it. */
    localStock: stockOn(db.read, 'replica'),
    /** Read-your-writes: with a session token, a replica that has it, else the write path. */
    async stockReader(sessionToken: string | undefined) {
      const { reader, source } = await readerFor(db, sessionToken, sessionWaitMs)
      return stockOn(reader, source)
    },
  }
}

export type DeltasRepository = ReturnType<typeof createDeltasRepository>
