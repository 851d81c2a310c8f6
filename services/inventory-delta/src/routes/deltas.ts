import { Type } from '@sinclair/typebox'
import { managerOf, principalOf } from '@pos-fleet/platform/auth'
import type { Database, Db } from '@pos-fleet/platform/db/client'
import { isDuplicateKey, isWritePathUnavailable, writePathUnavailable } from '@pos-fleet/platform/db/errors'
import type { LagState } from '@pos-fleet/platform/db/replication-lag'
import type { WritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { saleDeltaId } from '@pos-fleet/platform/delta-ids'
import { readerFor } from '@pos-fleet/platform/db/session-token'
import type { App } from '@pos-fleet/platform/http'
import { meter } from '@pos-fleet/platform/metrics'
import { Problem } from '@pos-fleet/platform/problem'
import { Id, ProblemSchema, SessionTokenHeaders, Sku } from '@pos-fleet/platform/schemas'
import type { RegionId } from '@pos-fleet/topology'
import type { FastifyReply } from 'fastify'
import { type DeltaRequest, MANAGER_REASONS, checkDeltaSign, sameDelta } from '../domain/delta.js'
import { appendDelta, existingDeltaIds, findDelta, onHand, oversold, skuExists, storeOf } from '../repositories/deltas-repository.js'
import type { DeltaQueue, QueuedSalesView } from '../store-and-forward/delta-queue.js'
import { type PendingDelta, pendingEffects } from '../store-and-forward/pending.js'

export interface DeltaRouteOptions {
  region: RegionId
  db: Database
  sessionWaitMs: number
  replicationLag: () => LagState
  writePath: WritePathBreaker
  /** Store-and-forward; without them a delta answers 503 while the write path is down and pendingLocal is 0. */
  deltaQueue?: DeltaQueue | undefined
  salesView?: QueuedSalesView | undefined
}

const oversoldGauge = meter.createGauge('pos_inventory_oversold_skus', { description: 'store/SKU pairs with negative stock at the last check' })

const DeltaBody = Type.Object(
  {
    deltaId: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$', description: 'globally unique, chosen by the client' }),
    storeId: Id,
    sku: Sku,
    quantity: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
    reason: Type.Union(MANAGER_REASONS.map((r) => Type.Literal(r))),
  },
  { additionalProperties: false },
)

const DeltaAccepted = Type.Object({
  deltaId: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('queued')]),
  sessionToken: Type.Optional(Type.String()),
  replayed: Type.Boolean(),
})

const Stock = Type.Object({
  storeId: Type.String(),
  sku: Type.String(),
  onHand: Type.Integer({ description: 'sum of replicated deltas plus this region’s pending ones' }),
  pendingLocal: Type.Integer({ description: 'deltas accepted here but not yet on the write path' }),
  replicationLagMs: Type.Union([Type.Number(), Type.Null()]),
  readFrom: Type.String(),
})

async function checkScope(db: Database, merchantId: string, storeId: string, sku: string): Promise<void> {
  const store = await storeOf(db.read, storeId)
  if (!store || store.merchantId !== merchantId) throw new Problem('store-not-found', `no store ${storeId}`)
  if (!(await skuExists(db.read, merchantId, sku))) throw new Problem('unknown-sku', `not in this merchant's catalog: ${sku}`, { skus: [sku] })
}

export function registerDeltaRoutes(app: App, o: DeltaRouteOptions): void {
  app.post(
    '/v1/inventory/deltas',
    {
      schema: {
        body: DeltaBody,
        response: {
          200: DeltaAccepted,
          201: DeltaAccepted,
          202: DeltaAccepted,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
          409: ProblemSchema,
          422: ProblemSchema,
          503: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const manager = managerOf(request)
      const delta = request.body as DeltaRequest
      checkDeltaSign(delta)
      await checkScope(o.db, manager.merchantId, delta.storeId, delta.sku)
      if (!o.writePath.isOpen()) {
        try {
          const { gtid } = await appendDelta(o.db, manager.merchantId, o.region, delta)
          return reply.code(201).send({ deltaId: delta.deltaId, status: 'applied', sessionToken: gtid, replayed: false })
        } catch (err) {
          if (isDuplicateKey(err)) return replayDelta(o.db.write, manager.merchantId, delta, reply)
          if (!o.writePath.reportFailure(err)) throw err
        }
      }
      return queueDelta(o, manager.merchantId, delta, reply)
    },
  )

  app.get(
    '/v1/inventory/oversold',
    {
      schema: {
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ storeId: Type.String(), sku: Type.String(), onHand: Type.Integer() })),
          }),
          401: ProblemSchema,
          403: ProblemSchema,
        },
      },
    },
    async (request) => {
      // Replicated stock below zero: sales accepted offline in several regions outran it.
      const items = await oversold(o.db.read, managerOf(request).merchantId)
      oversoldGauge.record(items.length)
      return { items }
    },
  )

  app.get(
    '/v1/inventory/:storeId/:sku',
    {
      schema: {
        params: Type.Object({ storeId: Id, sku: Sku }),
        headers: SessionTokenHeaders,
        response: { 200: Stock, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request) => {
      const { storeId, sku } = request.params
      await checkScope(o.db, principalOf(request).merchantId, storeId, sku)
      const { reader, source } = await readerFor(o.db, request.headers['x-session-token'], o.sessionWaitMs)
      const pendingLocal = await pendingLocalFor(o, reader, storeId, sku)
      return {
        storeId,
        sku,
        onHand: (await onHand(reader, storeId, sku)) + pendingLocal,
        pendingLocal,
        replicationLagMs: o.replicationLag().replicationLagMs,
        readFrom: source,
      }
    },
  )
}

/** The deltaId exists on the write path: an idempotent replay if it is the same operation, else a conflict. */
async function replayDelta(reader: Db, merchantId: string, delta: DeltaRequest, reply: FastifyReply) {
  try {
    const existing = await findDelta(reader, delta.deltaId)
    if (!existing || existing.merchantId !== merchantId || !sameDelta(existing, delta)) {
      throw new Problem('delta-conflict', `deltaId ${delta.deltaId} was used for another operation`)
    }
    return reply.code(200).send({ deltaId: delta.deltaId, status: 'applied', replayed: true })
  } catch (err) {
    if (isWritePathUnavailable(err)) throw writePathUnavailable(err)
    throw err
  }
}

/** The write path is down: queue the delta durably in the region and answer 202. */
async function queueDelta(o: DeltaRouteOptions, merchantId: string, delta: DeltaRequest, reply: FastifyReply) {
  if (!o.deltaQueue) throw writePathUnavailable(new Error('write path down and no local queue configured'))
  const queued = o.deltaQueue.get(delta.deltaId)
  if (queued) {
    if (queued.merchantId !== merchantId || !sameDelta(queued, delta)) throw new Problem('delta-conflict', `deltaId ${delta.deltaId} was used for another operation`)
    return reply.code(202).send({ deltaId: delta.deltaId, status: 'queued', replayed: true })
  }
  if (await findDelta(o.db.read, delta.deltaId)) return replayDelta(o.db.read, merchantId, delta, reply)
  const pending: PendingDelta = { ...delta, merchantId, originRegion: o.region, acceptedAt: new Date().toISOString() }
  try {
    await o.deltaQueue.enqueue(pending)
  } catch (err) {
    reply.log.error({ err }, 'local queue unavailable')
    throw new Problem('temporarily-unavailable', 'neither the write path nor the local queue is available', {}, { 'retry-after': '5' })
  }
  return reply.code(202).send({ deltaId: delta.deltaId, status: 'queued', replayed: false })
}

/** Queued deltas (adjustments and queued sales' lines) the replica does not have yet. */
async function pendingLocalFor(o: DeltaRouteOptions, reader: Db, storeId: string, sku: string): Promise<number> {
  if (!o.deltaQueue && !o.salesView) return 0
  const effects = pendingEffects(storeId, sku, o.deltaQueue?.values() ?? [], o.salesView?.values() ?? [], saleDeltaId)
  if (effects.length === 0) return 0
  const landed = await existingDeltaIds(reader, effects.map((e) => e.deltaId))
  let pending = 0
  for (const e of effects) {
    if (landed.has(e.deltaId)) o.deltaQueue?.forget(e.deltaId)
    else pending += e.quantity
  }
  return pending
}
