import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { terminalOf } from '@pos-fleet/platform/auth'
import { requestFingerprint } from '@pos-fleet/platform/hashing'
import { Problem } from '@pos-fleet/platform/problem'
import { type Answer, commitOrQueue } from '@pos-fleet/platform/store-and-forward'
import { checkPayment, priceSale } from '../domain/pricing.js'
import { type NewSale, type SaleView, viewOfNewSale } from '../repositories/sales-repository.js'
import { type PendingSale, provisionalView, withinOfflineFloor } from '../store-and-forward/pending-sale.js'
import { Problem as ProblemSchema, Sale, SaleRequest, SessionTokenHeaders } from './schemas.js'

const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' })

type SaleAnswer = Answer<SaleView & { sessionToken?: string; acceptedAt?: string }>
const REPLAYED = { 'idempotent-replayed': 'true' }

function keyReused(sale: NewSale, earlierSaleId: string): Problem {
  return new Problem('idempotency-key-reused', `Idempotency-Key ${sale.idempotencyKey} belongs to sale ${earlierSaleId}`, { saleId: earlierSaleId })
}

/**
 * The key is already taken on the write path (a retry, or a concurrent duplicate that
 * lost the race on the unique index). Same body: answer exactly as the first time.
 */
async function replayCommitted(app: FastifyInstance, attempt: NewSale): Promise<SaleAnswer> {
  const existing = await app.sales.byKeyOnWritePath(attempt.merchantId, attempt.idempotencyKey)
  if (!existing) throw new Problem('internal')
  if (existing.requestHash !== attempt.requestHash) throw keyReused(attempt, existing.saleId)
  const { requestHash: _h, createdAt: _c, ...view } = existing
  return { status: 201, headers: REPLAYED, body: { ...view, sessionToken: await app.sales.writerPosition() } }
}

/** While the write path is down, a retry finds its queued sale, or the one committed before the partition. */
async function replayEarlier(app: FastifyInstance, sale: NewSale): Promise<SaleAnswer | undefined> {
  const queued = app.saleQueue?.findByKey(sale.merchantId, sale.idempotencyKey)
  if (queued) {
    if (queued.requestHash !== sale.requestHash) throw keyReused(sale, queued.saleId)
    return { status: 202, headers: REPLAYED, body: provisionalView(queued) }
  }
  const committed = await app.sales.byKeyOnReplica(sale.merchantId, sale.idempotencyKey)
  if (!committed) return undefined
  if (committed.requestHash !== sale.requestHash) throw keyReused(sale, committed.saleId)
  const { requestHash: _h, ...view } = committed
  return { status: 201, headers: REPLAYED, body: view }
}

/** Offline, cards only up to the merchant's floor limit; cash always. */
async function admitOffline(app: FastifyInstance, sale: NewSale): Promise<void> {
  const floor = await app.catalog.offlineFloorLimitMinor(sale.merchantId)
  if (withinOfflineFloor(sale.payment.method, sale.priced.totalMinor, floor)) return
  throw new Problem(
    'offline-floor-limit-exceeded',
    `the region is offline; card sales above ${floor} ${sale.priced.currency} need the writer region (take cash, or retry later)`,
    { floorLimitMinor: floor },
    { 'retry-after': '5' },
  )
}

/** POST /v1/sales (checkout) and GET /v1/sales/:saleId. */
export const salesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/sales',
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
        const store = await app.catalog.store(body.storeId)
        if (!store || store.merchantId !== terminal.merchantId) throw new Problem('store-not-found', `no store ${body.storeId}`)
        throw new Problem('forbidden', `terminal ${terminal.id} sells for store ${terminal.storeId} only`)
      }

      const skus = [...new Set(body.lines.map((l) => l.sku))]
      // The floor limit is read on every sale, while the replica answers, so that it is held in
      // memory when the region loses its replica and its write path at once (the writer region's
      // database dying): a card sale offline needs it. Online, its failure costs nothing.
      const [items] = await Promise.all([
        app.catalog.prices(terminal.merchantId, skus),
        app.catalog.offlineFloorLimitMinor(terminal.merchantId).catch(() => undefined),
      ])
      const priced = priceSale(body.lines, items)
      checkPayment(body.payment, priced)

      const sale: NewSale = {
        saleId: randomUUID(),
        paymentId: randomUUID(),
        outboxId: randomUUID(),
        merchantId: terminal.merchantId,
        storeId: body.storeId,
        terminalId: terminal.id,
        region: app.config.POS_REGION,
        idempotencyKey,
        requestHash: requestFingerprint(body),
        priced,
        payment: body.payment,
      }

      // Store-and-forward: accepted durably in the region-local Kafka, answered 202 provisional.
      const answer = await commitOrQueue<PendingSale, SaleAnswer['body']>({
        breaker: app.writePath,
        log: request.log,
        budgetMs: app.db.writeTimeoutMs,
        commit: async () => ({ status: 201, body: { ...viewOfNewSale(sale), ...(await app.sales.commit(sale)) } }),
        replayCommitted: () => replayCommitted(app, sale),
        queue: app.saleQueue ?? undefined,
        replayEarlier: () => replayEarlier(app, sale),
        admitOffline: () => admitOffline(app, sale),
        pending: () => ({ ...sale, acceptedAt: new Date().toISOString() }),
        provisional: (pending) => ({ status: 202, body: provisionalView(pending) }),
      })
      return reply
        .code(answer.status as 201 | 202)
        .headers(answer.headers ?? {})
        .send(answer.body)
    },
  )

  app.get(
    '/sales/:saleId',
    {
      schema: {
        params: Type.Object({ saleId: Type.String({ format: 'uuid' }) }),
        headers: SessionTokenHeaders,
        response: { 200: Sale, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const terminal = terminalOf(request)
      // A write-path failure here (a token the replica has not reached) leaves as 503 by the error policy.
      const { sale, source } = await app.sales.read(terminal.merchantId, request.params.saleId, request.headers['x-session-token'])
      if (!sale) {
        const queued = app.saleQueue?.get(request.params.saleId)
        if (queued && queued.merchantId === terminal.merchantId) return { ...provisionalView(queued), readFrom: 'local-queue' }
        throw new Problem('not-found', `no sale ${request.params.saleId}`)
      }
      app.saleQueue?.forget(sale.saleId)
      const { requestHash: _h, ...view } = sale
      return { ...view, readFrom: source }
    },
  )
}
