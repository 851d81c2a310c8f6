import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { managerOf, principalOf } from '@pos-fleet/platform/auth'
import { saleDeltaId } from '@pos-fleet/platform/delta-ids'
import { problemResponse, securedBy } from '@pos-fleet/platform/openapi'
import { Problem } from '@pos-fleet/platform/problem'
import { Id, SessionTokenHeaders, Sku } from '@pos-fleet/platform/schemas'
import { type Answer, commitOrQueue } from '@pos-fleet/platform/store-and-forward'
import { DELTA_SIGN_RULES, type DeltaRequest, MANAGER_REASONS, sameDelta } from '../domain/delta.js'
import type { DeltasRepository } from '../repositories/deltas-repository.js'
import { type PendingDelta, type PendingEffect, pendingEffects } from '../store-and-forward/pending.js'

const MANAGERS_ONLY = problemResponse('The key is not an inventory manager key')

const DeltaBody = Type.Object(
  {
    deltaId: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$', description: 'globally unique, chosen by the client' }),
    storeId: Id,
    sku: Sku,
    quantity: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
    reason: Type.Union(MANAGER_REASONS.map((r) => Type.Literal(r))),
  },
  { additionalProperties: false, allOf: DELTA_SIGN_RULES },
)

const DeltaAccepted = Type.Object({
  deltaId: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('queued')]),
  sessionToken: Type.Optional(Type.String()),
  replayed: Type.Boolean(),
})

type DeltaAnswer = Answer<{ deltaId: string; status: 'applied' | 'queued'; sessionToken?: string; replayed: boolean }>

const Stock = Type.Object({
  storeId: Type.String(),
  sku: Type.String(),
  onHand: Type.Integer({ description: 'sum of replicated deltas plus this region’s pending ones' }),
  pendingLocal: Type.Integer({ description: 'deltas accepted here but not yet on the write path' }),
  replicationLagMs: Type.Union([Type.Number(), Type.Null()]),
  readFrom: Type.String(),
})

async function checkScopeFromReference(deltas: DeltasRepository, merchantId: string, storeId: string, sku: string): Promise<void> {
  const store = await deltas.storeOf(storeId)
  if (!store || store.merchantId !== merchantId) throw new Problem('store-not-found', `no store ${storeId}`)
  if (!(await deltas.skuExists(merchantId, sku))) throw new Problem('unknown-sku', `not in this merchant's catalog: ${sku}`, { skus: [sku] })
}

/**
 * The store is the merchant's and the SKU in its catalog, else a 404 or 422. A promise only
 * when memory does not already know it in scope: every stock read checks this (issue 17).
 */
function checkScope(deltas: DeltasRepository, merchantId: string, storeId: string, sku: string): Promise<void> | undefined {
  return deltas.inScopeFresh(merchantId, storeId, sku) ? undefined : checkScopeFromReference(deltas, merchantId, storeId, sku)
}

const conflict = (delta: DeltaRequest) => new Problem('delta-conflict', `deltaId ${delta.deltaId} was used for another operation`)

/** The deltaId is already committed: an idempotent replay if it is the same operation, else a conflict. */
function replayOf(existing: Awaited<ReturnType<DeltasRepository['findOnReplica']>>, merchantId: string, delta: DeltaRequest): DeltaAnswer {
  if (!existing || existing.merchantId !== merchantId || !sameDelta(existing, delta)) throw conflict(delta)
  return { status: 200, body: { deltaId: delta.deltaId, status: 'applied', replayed: true } }
}

/** While the write path is down: the same delta queued here earlier, or one that replicated before the partition. */
async function replayEarlier(app: FastifyInstance, merchantId: string, delta: DeltaRequest): Promise<DeltaAnswer | undefined> {
  const queued = app.deltaQueue?.get(delta.deltaId)
  if (queued) {
    if (queued.merchantId !== merchantId || !sameDelta(queued, delta)) throw conflict(delta)
    return { status: 202, body: { deltaId: delta.deltaId, status: 'queued', replayed: true } }
  }
  const replicated = await app.deltas.findOnReplica(delta.deltaId)
  return replicated ? replayOf(replicated, merchantId, delta) : undefined
}

/** POST /v1/inventory/deltas, GET /v1/inventory/oversold and GET /v1/inventory/:storeId/:sku. */
export const deltaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/inventory/deltas',
    {
      schema: {
        operationId: 'createInventoryDelta',
        summary: 'A stock adjustment (restock, shrinkage, count correction)',
        description:
          'Idempotent by deltaId: the same delta again answers 200 (replayed). While the writer region cannot be reached the delta is queued here (202) and applied later.',
        tags: ['inventory'],
        security: securedBy('inventoryManagerKey'),
        body: DeltaBody,
        response: {
          200: { ...DeltaAccepted, description: 'Already applied: a replay of the same delta' },
          201: { ...DeltaAccepted, description: 'Applied in the writer region' },
          202: { ...DeltaAccepted, description: 'Queued in this region (store-and-forward); applied once the writer region is reachable' },
          403: MANAGERS_ONLY,
          404: problemResponse('No such store for this merchant'),
          409: problemResponse('The deltaId was used for another operation'),
          422: problemResponse("The SKU is not in the merchant's catalog"),
          503: problemResponse('The writer region cannot be reached and the delta cannot be queued', { retryAfter: true }),
        },
      },
    },
    async (request, reply) => {
      const { merchantId } = managerOf(request)
      const delta = request.body as DeltaRequest
      await checkScope(app.deltas, merchantId, delta.storeId, delta.sku)
      const answer = await commitOrQueue<PendingDelta, DeltaAnswer['body']>({
        breaker: app.writePath,
        log: request.log,
        budgetMs: app.db.writeTimeoutMs,
        commit: async () => {
          const { gtid } = await app.deltas.append(merchantId, app.config.POS_REGION, delta)
          return { status: 201, body: { deltaId: delta.deltaId, status: 'applied', sessionToken: gtid, replayed: false } }
        },
        replayCommitted: async () => replayOf(await app.deltas.findOnWritePath(delta.deltaId), merchantId, delta),
        queue: app.deltaQueue ?? undefined,
        replayEarlier: () => replayEarlier(app, merchantId, delta),
        pending: () => ({ ...delta, merchantId, originRegion: app.config.POS_REGION, acceptedAt: new Date().toISOString() }),
        provisional: () => ({ status: 202, body: { deltaId: delta.deltaId, status: 'queued', replayed: false } }),
      })
      return reply.code(answer.status as 201).send(answer.body)
    },
  )

  app.get(
    '/inventory/oversold',
    {
      schema: {
        operationId: 'listOversold',
        summary: "The merchant's store/SKU pairs whose replicated stock is below zero",
        tags: ['inventory'],
        security: securedBy('inventoryManagerKey'),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ storeId: Type.String(), sku: Type.String(), onHand: Type.Integer() })),
          }),
          403: MANAGERS_ONLY,
        },
      },
    },
    async (request) => {
      // Replicated stock below zero: sales accepted offline in several regions outran it.
      return { items: await app.deltas.oversold(managerOf(request).merchantId) }
    },
  )

  app.get(
    '/inventory/:storeId/:sku',
    {
      schema: {
        operationId: 'getStock',
        summary: 'Stock on hand of one SKU in one store, as this region sees it',
        tags: ['inventory'],
        security: securedBy('terminalKey', 'inventoryManagerKey'),
        params: Type.Object({ storeId: Id, sku: Sku }),
        headers: SessionTokenHeaders,
        response: {
          200: Stock,
          404: problemResponse('No such store for this merchant'),
          422: problemResponse("The SKU is not in the merchant's catalog"),
          503: problemResponse('The session token is ahead of this replica and the writer region cannot be reached', { retryAfter: true }),
        },
      },
    },
    async (request) => {
      const { storeId, sku } = request.params
      // The common read (in scope, no session token, nothing queued here) awaits only the replica.
      const scoped = checkScope(app.deltas, principalOf(request).merchantId, storeId, sku)
      if (scoped) await scoped
      const token = request.headers['x-session-token']
      const stock = token ? await app.deltas.stockReader(token) : app.deltas.localStock
      const pending = pendingLocalFor(app, stock, storeId, sku)
      const pendingLocal = typeof pending === 'number' ? pending : await pending
      return {
        storeId,
        sku,
        onHand: (await stock.onHand(storeId, sku)) + pendingLocal,
        pendingLocal,
        replicationLagMs: app.replicationLag().replicationLagMs,
        readFrom: stock.source,
      }
    },
  )
}

/** Which of these delta ids the reader already holds: the queued ones that have landed. */
type LandedCheck = Pick<DeltasRepository['localStock'], 'existingDeltaIds'>

/** Queued deltas (adjustments and queued sales' lines) the replica does not have yet; a promise only when there are some. */
function pendingLocalFor(
  app: FastifyInstance,
  stock: LandedCheck,
  storeId: string,
  sku: string,
): number | Promise<number> {
  if (!app.deltaQueue && !app.salesView) return 0
  const effects = pendingEffects(storeId, sku, app.deltaQueue?.values() ?? [], app.salesView?.values() ?? [], saleDeltaId)
  if (effects.length === 0) return 0
  return notYetLanded(app, stock, effects)
}

/** The sum of `effects` the replica does not hold yet; queued deltas it holds are forgotten. */
async function notYetLanded(app: FastifyInstance, stock: LandedCheck, effects: PendingEffect[]): Promise<number> {
  const landed = await stock.existingDeltaIds(effects.map((e) => e.deltaId))
  let pending = 0
  for (const e of effects) {
    if (landed.has(e.deltaId)) app.deltaQueue?.forget(e.deltaId)
    else pending += e.quantity
  }
  return pending
}
