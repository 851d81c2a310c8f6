import { type Context, context, propagation } from '@opentelemetry/api'
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Database, Db } from '@pos-fleet/platform/db/client'
import { isReplicaUnavailable } from '@pos-fleet/platform/db/errors'
import { inventoryDeltas, outbox, payments, saleLines, sales } from '@pos-fleet/platform/db/schema/index'
import { type ReadSource, readerFor, writerPosition } from '@pos-fleet/platform/db/session-token'
import { commitInOneRoundTrip } from '@pos-fleet/platform/db/write-batch'
import type { RegionId } from '@pos-fleet/topology'
import { saleDeltaId } from '@pos-fleet/platform/delta-ids'
import type { PaymentRequest, PricedSale } from '../domain/pricing.js'

export interface NewSale {
  saleId: string
  paymentId: string
  outboxId: string
  merchantId: string
  storeId: string
  terminalId: string
  region: RegionId
  idempotencyKey: string
  requestHash: string
  priced: PricedSale
  payment: PaymentRequest
}

export interface SaleView {
  saleId: string
  status: string
  merchantId: string
  storeId: string
  terminalId: string
  region: string
  totalMinor: number
  currency: string
  createdAt?: string
  lines: Array<{ lineNo: number; sku: string; quantity: number; unitPriceMinor: number; lineTotalMinor: number }>
  payment: { paymentId: string; method: string; status: string; amountMinor: number; declineCode?: string | null }
}

/** A sale to commit, with the trace context its outbox row carries on to payments-worker. */
export interface SaleToCommit {
  sale: NewSale
  traceContext: Record<string, string>
}

/** The active trace context, as the outbox row carries it. */
export function activeTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {}
  propagation.inject(ctx, carrier)
  return carrier
}

/**
 * Sales, their lines, payments, stock deltas and payment.requested outbox rows: one
 * transaction, one round trip through the write path, one multi-row INSERT per table
 * however many sales. All or nothing: a duplicate id or key anywhere fails them all.
 */
export async function commitSales(db: Database, batch: SaleToCommit[]): Promise<{ sessionToken: string }> {
  const w = db.write
  const sold = batch.map((b) => b.sale)
  const { gtid } = await commitInOneRoundTrip(db, 'sale', [
    w.insert(sales).values(
      sold.map((s) => ({
        id: s.saleId,
        merchantId: s.merchantId,
        storeId: s.storeId,
        terminalId: s.terminalId,
        originRegion: s.region,
        idempotencyKey: s.idempotencyKey,
        requestHash: s.requestHash,
        status: 'committed',
        totalMinor: s.priced.totalMinor,
        currency: s.priced.currency,
      })),
    ),
    w.insert(saleLines).values(sold.flatMap((s) => s.priced.lines.map((l) => ({ saleId: s.saleId, ...l })))),
    w.insert(payments).values(
      sold.map((s) => ({
        id: s.paymentId,
        saleId: s.saleId,
        merchantId: s.merchantId,
        method: s.payment.method,
        token: s.payment.method === 'card' ? (s.payment.token ?? null) : null,
        amountMinor: s.payment.amountMinor,
        currency: s.priced.currency,
        status: 'pending',
      })),
    ),
    w.insert(inventoryDeltas).values(
      sold.flatMap((s) =>
        s.priced.lines.map((l) => ({
          deltaId: saleDeltaId(s.saleId, l.lineNo),
          merchantId: s.merchantId,
          storeId: s.storeId,
          sku: l.sku,
          quantity: -l.quantity,
          reason: 'sale',
          originRegion: s.region,
          saleId: s.saleId,
        })),
      ),
    ),
    w.insert(outbox).values(
      batch.map(({ sale: s, traceContext }) => ({
        id: s.outboxId,
        eventType: 'payment.requested',
        aggregateId: s.paymentId,
        payload: { paymentId: s.paymentId, saleId: s.saleId, merchantId: s.merchantId },
        traceContext,
      })),
    ),
  ])
  return { sessionToken: gtid }
}

/** One sale, traced from the active context (the request's, or the replay's). */
export function commitSale(db: Database, s: NewSale): Promise<{ sessionToken: string }> {
  return commitSales(db, [{ sale: s, traceContext: activeTraceContext() }])
}

export function viewOfNewSale(s: NewSale): SaleView {
  return {
    saleId: s.saleId,
    status: 'committed',
    merchantId: s.merchantId,
    storeId: s.storeId,
    terminalId: s.terminalId,
    region: s.region,
    totalMinor: s.priced.totalMinor,
    currency: s.priced.currency,
    lines: s.priced.lines,
    payment: { paymentId: s.paymentId, method: s.payment.method, status: 'pending', amountMinor: s.payment.amountMinor },
  }
}

async function loadSale(reader: Db, where: ReturnType<typeof and>): Promise<(SaleView & { requestHash: string }) | undefined> {
  const [row] = await reader
    .select({ sale: sales, payment: payments })
    .from(sales)
    .leftJoin(payments, eq(payments.saleId, sales.id))
    .where(where)
  if (!row) return undefined
  const lines = await reader
    .select({
      lineNo: saleLines.lineNo,
      sku: saleLines.sku,
      quantity: saleLines.quantity,
      unitPriceMinor: saleLines.unitPriceMinor,
      lineTotalMinor: saleLines.lineTotalMinor,
    })
    .from(saleLines)
    .where(eq(saleLines.saleId, row.sale.id))
    .orderBy(asc(saleLines.lineNo))
  const { sale, payment } = row
  return {
    saleId: sale.id,
    status: sale.status,
    merchantId: sale.merchantId,
    storeId: sale.storeId,
    terminalId: sale.terminalId,
    region: sale.originRegion,
    totalMinor: sale.totalMinor,
    currency: sale.currency,
    createdAt: sale.createdAt,
    requestHash: sale.requestHash,
    lines,
    payment: {
      paymentId: payment?.id ?? '',
      method: payment?.method ?? 'unknown',
      status: payment?.status ?? 'pending',
      amountMinor: payment?.amountMinor ?? sale.totalMinor,
      declineCode: payment?.declineCode ?? null,
    },
  }
}

/** Merchant-scoped: another merchant's sale id finds nothing. */
export function findSale(reader: Db, merchantId: string, saleId: string) {
  return loadSale(reader, and(eq(sales.id, saleId), eq(sales.merchantId, merchantId)))
}

export function findSaleByIdempotencyKey(reader: Db, merchantId: string, key: string) {
  return loadSale(reader, and(eq(sales.merchantId, merchantId), eq(sales.idempotencyKey, key)))
}

/** `merchant\nkey` → the request hash of the sale holding it, for those of `wanted` the database has. */
export async function heldKeys(reader: Db, wanted: ReadonlyArray<{ merchantId: string; idempotencyKey: string }>): Promise<Map<string, string>> {
  if (wanted.length === 0) return new Map()
  const rows = await reader
    .select({ merchantId: sales.merchantId, idempotencyKey: sales.idempotencyKey, requestHash: sales.requestHash })
    .from(sales)
    .where(and(inArray(sales.merchantId, [...new Set(wanted.map((w) => w.merchantId))]), inArray(sales.idempotencyKey, [...new Set(wanted.map((w) => w.idempotencyKey))])))
  return new Map(rows.map((r) => [saleKey(r), r.requestHash]))
}

export const saleKey = (s: { merchantId: string; idempotencyKey: string }) => `${s.merchantId}\n${s.idempotencyKey}`

/** The sales the routes and the reconciler need, over the read/write split; decorated as `fastify.sales`. */
export function createSalesRepository(db: Database, sessionWaitMs: number) {
  return {
    commit: (sale: NewSale) => commitSale(db, sale),
    commitMany: (batch: SaleToCommit[]) => commitSales(db, batch),
    /**
     * Read-your-writes: with a session token, from a replica that has it, else from the write
     * path. A replica that is down (the region lost its database) is read around: the write path.
     */
    async read(merchantId: string, saleId: string, sessionToken: string | undefined) {
      const fromWritePath = async () => ({ sale: await findSale(db.write, merchantId, saleId), source: 'write-path' as ReadSource })
      let chosen: Awaited<ReturnType<typeof readerFor>>
      try {
        chosen = await readerFor(db, sessionToken, sessionWaitMs)
      } catch (err) {
        if (isReplicaUnavailable(err)) return fromWritePath()
        throw err
      }
      if (chosen.source === 'write-path') return fromWritePath()
      try {
        return { sale: await findSale(chosen.reader, merchantId, saleId), source: chosen.source }
      } catch (err) {
        if (isReplicaUnavailable(err)) return fromWritePath()
        throw err
      }
    },
    /** The committed sale holding this key, as the write path sees it (after a duplicate key). */
    byKeyOnWritePath: (merchantId: string, key: string) => findSaleByIdempotencyKey(db.write, merchantId, key),
    /** Of these sales' keys, those the write path holds, with the request hash of the sale there: one round trip. */
    keysOnWritePath: (wanted: ReadonlyArray<{ merchantId: string; idempotencyKey: string }>) => heldKeys(db.write, wanted),
    /** The same, from the local replica (while the write path is down). */
    byKeyOnReplica: (merchantId: string, key: string) => findSaleByIdempotencyKey(db.read, merchantId, key),
    /** A session token covering everything committed so far. */
    writerPosition: () => writerPosition(db),
  }
}

export type SalesRepository = ReturnType<typeof createSalesRepository>
