import { Type } from '@sinclair/typebox'
import { managerOf, principalOf } from '@pos-fleet/platform/auth'
import type { Database } from '@pos-fleet/platform/db/client'
import { isDuplicateKey, isWritePathUnavailable, writePathUnavailable } from '@pos-fleet/platform/db/errors'
import type { LagState } from '@pos-fleet/platform/db/replication-lag'
import { readerFor } from '@pos-fleet/platform/db/session-token'
import type { App } from '@pos-fleet/platform/http'
import { Problem } from '@pos-fleet/platform/problem'
import { Id, ProblemSchema, SessionTokenHeaders, Sku } from '@pos-fleet/platform/schemas'
import type { RegionId } from '@pos-fleet/topology'
import { type DeltaRequest, MANAGER_REASONS, checkDeltaSign, sameDelta } from '../domain/delta.js'
import { appendDelta, findDelta, onHand, skuExists, storeOf } from '../repositories/deltas-repository.js'

export interface DeltaRouteOptions {
  region: RegionId
  db: Database
  sessionWaitMs: number
  replicationLag: () => LagState
}

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
      try {
        const { gtid } = await appendDelta(o.db, manager.merchantId, o.region, delta)
        return reply.code(201).send({ deltaId: delta.deltaId, status: 'applied', sessionToken: gtid, replayed: false })
      } catch (err) {
        if (isWritePathUnavailable(err)) throw writePathUnavailable(err)
        if (!isDuplicateKey(err)) throw err
      }
      // The id exists: an idempotent replay if it is the same operation, else a conflict.
      try {
        const existing = await findDelta(o.db.write, delta.deltaId)
        if (!existing || existing.merchantId !== manager.merchantId || !sameDelta(existing as DeltaRequest, delta)) {
          throw new Problem('delta-conflict', `deltaId ${delta.deltaId} was used for another operation`)
        }
        return reply.code(200).send({ deltaId: delta.deltaId, status: 'applied', replayed: true })
      } catch (err) {
        if (isWritePathUnavailable(err)) throw writePathUnavailable(err)
        throw err
      }
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
      return {
        storeId,
        sku,
        onHand: await onHand(reader, storeId, sku),
        pendingLocal: 0,
        replicationLagMs: o.replicationLag().replicationLagMs,
        readFrom: source,
      }
    },
  )
}
