import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { isDuplicateKey, isWritePathUnavailable, writePathUnavailable } from '@pos-fleet/platform/db/errors'
import type { Database } from '@pos-fleet/platform/db/client'
import { readerFor, writerPosition } from '@pos-fleet/platform/db/session-token'
import { canonicalJson, sha256Hex } from '@pos-fleet/platform/hashing'
import type { App } from '@pos-fleet/platform/http'
import { Problem } from '@pos-fleet/platform/problem'
import type { RegionId } from '@pos-fleet/topology'
import { checkPayment, priceSale } from '../domain/pricing.js'
import type { CatalogRepository } from '../repositories/catalog-repository.js'
import { type NewSale, commitSale, findSale, findSaleByIdempotencyKey, viewOfNewSale } from '../repositories/sales-repository.js'
import { Problem as ProblemSchema, Sale, SaleRequest, SessionTokenHeaders } from './schemas.js'
import { terminalOf } from '@pos-fleet/platform/auth'

export interface SalesRouteOptions {
  region: RegionId
  db: Database
  catalog: CatalogRepository
  sessionWaitMs: number
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

      try {
        const { sessionToken } = await commitSale(o.db, sale)
        return reply.code(201).send({ ...viewOfNewSale(sale), sessionToken })
      } catch (err) {
        if (isDuplicateKey(err)) return replayIdempotent(o.db, sale, reply)
        if (isWritePathUnavailable(err)) throw writePathUnavailable(err)
        throw err
      }
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
        if (!sale) throw new Problem('not-found', `no sale ${request.params.saleId}`)
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
