import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { terminalOf } from '@pos-fleet/platform/auth'
import { requestFingerprint } from '@pos-fleet/platform/hashing'
import { problemResponse, securedBy } from '@pos-fleet/platform/openapi'
import { Problem } from '@pos-fleet/platform/problem'
import { type Answer, commitOrQueue } from '@pos-fleet/platform/store-and-forward'
import { checkPayment, priceSale } from '../domain/pricing.js'
import { type NewSale, type SaleView, viewOfNewSale } from '../repositories/sales-repository.js'
import { type PendingSale, provisionalView, withinOfflineFloor } from '../store-and-forward/pending-sale.js'
import { Sale, SaleRequest, SessionTokenHeaders } from './schemas.js'

const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7E]+$',
  description: 'unique per sale attempt, the same on every retry of it (visible ASCII)',
})

type SaleAnswer = Answer<SaleView & { sessionToken?: string; acceptedAt?: string }>
const REPLAYED = { 'idempotent-replayed': 'true' }
const REPLAYED_HEADER = { 'idempotent-replayed': { type: 'string', const: 'true', description: 'sent when this answers an earlier request with the same Idempotency-Key' } }

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
        operationId: 'createSale',
        summary: 'Checkout: price, record and pay a sale',
        description:
          'Idempotent by the Idempotency-Key header: a retry with the same key and body answers as the first time (Idempotent-Replayed: true). ' +
          'While the writer region cannot be reached the sale is accepted provisionally (202) and committed later (store-and-forward).',
        tags: ['sales'],
        security: securedBy('terminalKey'),
        headers: Type.Object({ 'idempotency-key': IdempotencyKey }),
        body: SaleRequest,
        response: {
          201: { ...Sale, description: 'Committed in the writer region', headers: REPLAYED_HEADER },
          202: { ...Sale, description: 'Accepted provisionally in this region (store-and-forward); committed once the writer region is reachable', headers: REPLAYED_HEADER },
          400: problemResponse('The request is not valid, or has no Idempotency-Key'),
          403: problemResponse('The key is not a terminal key, or the terminal sells for another store'),
          404: problemResponse('No such store for this merchant'),
          422: problemResponse('Unknown SKU, mixed currencies, a payment that does not match the total, or an Idempotency-Key reused with another body'),
          503: problemResponse('The writer region cannot be reached and the sale cannot be queued (or is a card sale above the offline floor limit)', { retryAfter: true }),
        },
      },
    },
    async (request, reply) => {
      const terminal = terminalOf(request)
      const idempotencyKey = request.headers['idempotency-key']
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
        operationId: 'getSale',
        summary: 'A sale by id (a receipt reprint)',
        tags: ['sales'],
        security: securedBy('terminalKey'),
        params: Type.Object({ saleId: Type.String({ format: 'uuid' }) }),
        headers: SessionTokenHeaders,
        response: {
          200: Sale,
          403: problemResponse('The key is not a terminal key'),
          404: problemResponse('No such sale for this merchant'),
          503: problemResponse('The session token is ahead of this replica and the writer region cannot be reached', { retryAfter: true }),
        },
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
