import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { isDuplicateKey, isWritePathUnavailable, writePathUnavailable } from '@pos-fleet/platform/db/errors'
import type { WritePathBreaker } from '@pos-fleet/platform/db/write-path'
import type { Database } from '@pos-fleet/platform/db/client'
import { readerFor, writerPosition } from '@pos-fleet/platform/db/session-token'
import { canonicalJson, sha256Hex } from '@pos-fleet/platform/hashing'
import type { App } from '@pos-fleet/platform/http'
import { Problem } from '@pos-fleet/platform/problem'
import type { RegionId } from '@pos-fleet/topology'
import { checkPayment, priceSale } from '../domain/pricing.js'
import type { CatalogRepository } from '../repositories/catalog-repository.js'
import { type NewSale, commitSale, findSale, findSaleByIdempotencyKey, viewOfNewSale } from '../repositories/sales-repository.js'
import { type PendingSale, provisionalView, withinOfflineFloor } from '../store-and-forward/pending-sale.js'
import type { SaleQueue } from '../store-and-forward/sale-queue.js'
import { Problem as ProblemSchema, Sale, SaleRequest, SessionTokenHeaders } from './schemas.js'
import { terminalOf } from '@pos-fleet/platform/auth'

export interface SalesRouteOptions {
  region: RegionId
  db: Database
  catalog: CatalogRepository
  sessionWaitMs: number
  writePath: WritePathBreaker
  /** Store-and-forward queue; without one, a sale answers 503 while the write path is down. */
  queue?: SaleQueue | undefined
}

const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' })

export function registerSalesRoutes(app: App, o: SalesRouteOptions): void {
  app.post(
    '/v1/sales',
    {
      schema: {
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) }),
        body: SaleRequest,
        response: {
          201: Sale,
          202: Sale,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
          413: ProblemSchema,
          415: ProblemSchema,
          422: ProblemSchema,
          503: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const terminal = terminalOf(request)
      const idempotencyKey = request.headers['idempotency-key']
      if (!idempotencyKey) throw new Problem('idempotency-key-missing', 'send an Idempotency-Key header, unique per sale attempt')
      const body = request.body

      if (body.storeId !== terminal.storeId) {
        const store = await o.catalog.store(body.storeId)
        if (!store || store.merchantId !== terminal.merchantId) throw new Problem('store-not-found', `no store ${body.storeId}`)
        throw new Problem('forbidden', `terminal ${terminal.id} sells for store ${terminal.storeId} only`)
      }

      const skus = [...new Set(body.lines.map((l) => l.sku))]
      const priced = priceSale(body.lines, await o.catalog.prices(terminal.merchantId, skus))
      checkPayment(body.payment, priced)

      const sale: NewSale = {
        saleId: randomUUID(),
        paymentId: randomUUID(),
        outboxId: randomUUID(),
        merchantId: terminal.merchantId,
        storeId: body.storeId,
        terminalId: terminal.id,
        region: o.region,
        idempotencyKey,
        requestHash: sha256Hex(canonicalJson(body)),
        priced,
        payment: body.payment,
      }

      // An open breaker skips the write path at once; otherwise a failed attempt is
      // bounded by DB_WRITE_TIMEOUT_MS before the sale falls back to the local queue.
      if (!o.writePath.isOpen()) {
        try {
          const { sessionToken } = await commitSale(o.db, sale)
          return reply.code(201).send({ ...viewOfNewSale(sale), sessionToken })
        } catch (err) {
          if (isDuplicateKey(err)) return replayIdempotent(o.db, sale, reply)
          if (!o.writePath.reportFailure(err)) throw err
          request.log.warn({ err: (err as Error).message }, 'write path down; sale goes store-and-forward')
        }
      }
      return storeAndForward(o, sale, reply)
    },
  )

  app.get(
    '/v1/sales/:saleId',
    {
      schema: {
        params: Type.Object({ saleId: Type.String({ format: 'uuid' }) }),
        headers: SessionTokenHeaders,
        response: { 200: Sale, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const terminal = terminalOf(request)
      const { reader, source } = await readerFor(o.db, request.headers['x-session-token'], o.sessionWaitMs)
      try {
        const sale = await findSale(reader, terminal.merchantId, request.params.saleId)
        if (!sale) {
          const queued = o.queue?.get(request.params.saleId)
          if (queued && queued.merchantId === terminal.merchantId) return { ...provisionalView(queued), readFrom: 'local-queue' }
          throw new Problem('not-found', `no sale ${request.params.saleId}`)
        }
        o.queue?.forget(sale.saleId)
        const { requestHash: _h, ...view } = sale
        return { ...view, readFrom: source }
      } catch (err) {
        if (source === 'write-path' && isWritePathUnavailable(err)) throw writePathUnavailable(err)
        throw err
      }
    },
  )
}

/**
 * The write path is down: accept the sale durably in the region-local Kafka and answer
 * 202 provisional. Idempotency still holds: a retry finds the queued sale (or, if it was
 * committed before the partition, the replicated one). Cards only up to the floor limit.
 */
async function storeAndForward(o: SalesRouteOptions, sale: NewSale, reply: import('fastify').FastifyReply) {
  if (!o.queue) throw writePathUnavailable(new Error('write path down and no local queue configured'))
  const queued = o.queue.findByKey(sale.merchantId, sale.idempotencyKey)
  const committed = queued ? undefined : await findSaleByIdempotencyKey(o.db.read, sale.merchantId, sale.idempotencyKey)
  const earlier = queued ?? committed
  if (earlier) {
    if (earlier.requestHash !== sale.requestHash) {
      throw new Problem('idempotency-key-reused', `Idempotency-Key ${sale.idempotencyKey} belongs to sale ${earlier.saleId}`, { saleId: earlier.saleId })
    }
    if (queued) return reply.code(202).header('idempotent-replayed', 'true').send(provisionalView(queued))
    const { requestHash: _h, ...view } = committed!
    return reply.code(201).header('idempotent-replayed', 'true').send(view)
  }
  const floor = await o.catalog.offlineFloorLimitMinor(sale.merchantId)
  if (!withinOfflineFloor(sale.payment.method, sale.priced.totalMinor, floor)) {
    throw new Problem(
      'offline-floor-limit-exceeded',
      `the region is offline; card sales above ${floor} ${sale.priced.currency} need the writer region (take cash, or retry later)`,
      { floorLimitMinor: floor },
      { 'retry-after': '5' },
    )
  }
  const pending: PendingSale = { ...sale, acceptedAt: new Date().toISOString() }
  try {
    await o.queue.enqueue(pending)
  } catch (err) {
    reply.log.error({ err }, 'local queue unavailable')
    throw new Problem('temporarily-unavailable', 'neither the write path nor the local queue is available', {}, { 'retry-after': '5' })
  }
  return reply.code(202).send(provisionalView(pending))
}

/**
 * The key is already taken (a retry, or a concurrent duplicate that lost the race
 * on the unique index). Same body: answer exactly as the first time. Other body: 422.
 */
async function replayIdempotent(db: Database, attempt: NewSale, reply: import('fastify').FastifyReply) {
  try {
    const existing = await findSaleByIdempotencyKey(db.write, attempt.merchantId, attempt.idempotencyKey)
    if (!existing) throw new Problem('internal')
    if (existing.requestHash !== attempt.requestHash) {
      throw new Problem('idempotency-key-reused', `Idempotency-Key ${attempt.idempotencyKey} belongs to sale ${existing.saleId}`, {
        saleId: existing.saleId,
      })
    }
    const { requestHash: _h, createdAt: _c, ...view } = existing
    return reply
      .code(201)
      .header('idempotent-replayed', 'true')
      .send({ ...view, sessionToken: await writerPosition(db) })
  } catch (err) {
    if (isWritePathUnavailable(err)) throw writePathUnavailable(err)
    throw err
  }
}
