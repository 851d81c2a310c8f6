import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import { createHttpApp, type App } from '@pos-fleet/platform/http'
import { Liveness } from '@pos-fleet/platform/health'
import { problemResponse } from '@pos-fleet/platform/openapi'
import { Problem } from '@pos-fleet/platform/problem'
import { Currency, MinorUnits } from '@pos-fleet/platform/schemas'
import type { FastifyServerOptions } from 'fastify'
import { decide } from './domain/outcomes.js'
import type { Ledger } from './ledger.js'

export interface GatewayDeps {
  ledger: Ledger
  latencyMs: number
  failureRate: number
  /**
   * TEST ONLY (GATEWAY_TEST_NO_IDEMPOTENCY): charge again on every call instead of answering
   * a repeated payment id with its stored charge, so a caller that captures twice shows up
   * as two charges. A real PSP deduplicates by idempotency key; production never sets this.
   */
  noIdempotency?: boolean
  logger: FastifyServerOptions['logger']
}

const ChargeSchema = Type.Object({
  chargeId: Type.String(),
  paymentId: Type.String(),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('declined')]),
  declineCode: Type.Optional(Type.String()),
  createdAt: Type.String(),
})

/**
 * The sandbox payment gateway: an EMULATED PSP for the demo and tests. It never
 * moves money. Idempotent by the Idempotency-Key header, which must be the payment id.
 */
export function buildApp(deps: GatewayDeps): App {
  const app = createHttpApp({
    logger: deps.logger,
    openApi: {
      title: 'payment-gateway-sandbox',
      description: 'An EMULATED payment service provider for the demo and tests: it never moves money. Charges are idempotent by payment id.',
      version: '1.0.0',
      securitySchemes: false,
    },
  })
  void app.register(async (routes) => gatewayRoutes(routes, deps))
  return app
}

function gatewayRoutes(app: App, deps: GatewayDeps): void {
  const { ledger } = deps

  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Liveness } } }, async () => ({ status: 'ok' as const }))

  app.post(
    '/v1/charges',
    {
      schema: {
        operationId: 'createCharge',
        summary: 'Capture a payment (idempotent by paymentId)',
        tags: ['charges'],
        headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          { paymentId: Type.String({ minLength: 1, maxLength: 64 }), token: Type.String({ maxLength: 128 }), amountMinor: MinorUnits, currency: Currency },
          { additionalProperties: false },
        ),
        response: {
          200: { ...ChargeSchema, description: 'The charge made earlier for this paymentId', headers: { 'idempotent-replayed': { type: 'string', const: 'true' } } },
          201: { ...ChargeSchema, description: 'Charged (succeeded or declined)' },
          503: problemResponse('A transient failure the sandbox injects; retry with the same paymentId', { retryAfter: true }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body
      if (request.headers['idempotency-key'] !== body.paymentId) {
        throw new Problem('validation-failed', 'Idempotency-Key must equal paymentId')
      }
      if (deps.latencyMs > 0) await sleep(deps.latencyMs)
      const attempt = ledger.nextAttempt(body.paymentId)
      const existing = deps.noIdempotency ? undefined : ledger.find(body.paymentId)
      if (existing) return reply.code(200).header('idempotent-replayed', 'true').send(existing)

      const outcome = decide(body.token, body.paymentId, attempt, deps.failureRate)
      if (outcome.kind === 'transient-failure') {
        throw new Problem('temporarily-unavailable', `gateway temporarily unavailable: ${outcome.reason}`, { attempt }, { 'retry-after': '1' })
      }
      const charge = {
        chargeId: `ch_${randomUUID().replaceAll('-', '')}`,
        paymentId: body.paymentId,
        amountMinor: body.amountMinor,
        currency: body.currency,
        status: outcome.kind === 'approved' ? ('succeeded' as const) : ('declined' as const),
        ...(outcome.kind === 'declined' ? { declineCode: outcome.declineCode } : {}),
        createdAt: new Date().toISOString(),
      }
      ledger.record(charge)
      return reply.code(201).send(charge)
    },
  )

  app.get(
    '/v1/charges',
    {
      schema: {
        operationId: 'listCharges',
        summary: "The sandbox's ledger: every charge, or one payment's charges and capture attempts",
        tags: ['charges'],
        querystring: Type.Object({ paymentId: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.Object({ charges: Type.Array(ChargeSchema), attempts: Type.Optional(Type.Integer()) }) },
      },
    },
    async (request) => {
      const { paymentId } = request.query
      if (!paymentId) return { charges: ledger.all() }
      // attempts: every capture call for the payment, replays included.
      return { charges: ledger.chargesFor(paymentId), attempts: ledger.attemptsFor(paymentId) }
    },
  )
}
