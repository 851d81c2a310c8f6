import { ROOT_CONTEXT, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api'
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Producer } from 'kafkajs'
import type { Database } from '@pos-fleet/platform/db/client'
import { outbox, payments, type OutboxRow } from '@pos-fleet/platform/db/schema/index'
import { withDeadline } from '@pos-fleet/platform/deadline'
import { meter } from '@pos-fleet/platform/metrics'
import type { PaymentGateway } from '../gateway/payment-gateway.js'
import { type Settlement, captureStep } from './capture-step.js'
import { captureLag, secondsSince } from './outbox-metrics.js'

type Tx = Parameters<Parameters<Database['write']['transaction']>[0]>[0]

export interface DrainerOptions {
  db: Database
  gateway: PaymentGateway
  producer: Producer
  topic: string
  batchSize: number
  /**
   * Batches drained at once, each in its own transaction on its own connection. A capture
   * waits on the gateway (emulated at 30 ms), so one loop tops out near 35 payments/s — below
   * what three regions sell at full load; the load test found the outbox falling behind.
   */
  concurrency: number
  log: FastifyBaseLogger
}

const tracer = trace.getTracer('payments-worker')
/** A publish that neither succeeds nor fails must not wedge the drain: fail it, roll back, retry. */
const PUBLISH_TIMEOUT_MS = 15_000
const outcomes = meter.createCounter('pos_payment_outcomes_total', { description: 'payments finished, by outcome' })

/**
 * Drains payment.requested rows. Each batch is one transaction holding its rows with
 * FOR UPDATE SKIP LOCKED, so several workers never take the same row, and a worker
 * killed mid-batch releases them (the server rolls back) for another to retry. The
 * gateway is idempotent by payment id, so the retry cannot charge twice; the event
 * is published before commit (at least once, with a stable event id to de-duplicate).
 */
export function createOutboxDrainer(o: DrainerOptions) {
  async function publish(tx: Tx, row: OutboxRow, saleId: string, result: Settlement) {
    const eventType = result.outcome === 'captured' ? 'payment.captured' : 'payment.declined'
    await withDeadline(PUBLISH_TIMEOUT_MS, 'publishing the payment event', o.producer.send({
      topic: o.topic,
      acks: -1,
      messages: [
        {
          key: saleId,
          value: JSON.stringify({ eventId: `${row.aggregateId}:${eventType}`, eventType, paymentId: row.aggregateId, saleId, ...result }),
          headers: { 'event-type': eventType, 'event-id': `${row.aggregateId}:${eventType}` },
        },
      ],
    }))
    await tx
      .update(payments)
      .set({
        status: result.outcome,
        gatewayChargeId: result.chargeId,
        declineCode: result.outcome === 'declined' ? result.declineCode : null,
        attempts: sql`${payments.attempts} + 1`,
        updatedAt: sql`NOW(3)`,
      })
      .where(eq(payments.id, row.aggregateId))
    await tx.update(outbox).set({ processedAt: sql`NOW(6)`, attempts: sql`${outbox.attempts} + 1` }).where(eq(outbox.id, row.id))
    outcomes.add(1, { outcome: result.outcome })
    captureLag.record(secondsSince(row.createdAt), { outcome: result.outcome })
  }

  async function handle(tx: Tx, row: OutboxRow): Promise<void> {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, row.aggregateId)).for('update')
    const step = await captureStep(payment, row.attempts, o.gateway)
    switch (step.kind) {
      case 'skip':
        await tx.update(outbox).set({ processedAt: sql`NOW(6)` }).where(eq(outbox.id, row.id))
        return
      case 'finish':
        if (step.gaveUp) o.log.error({ paymentId: row.aggregateId, err: step.gaveUp }, 'gateway refused the capture request; payment declined')
        return publish(tx, row, payment!.saleId, step.settlement)
      case 'retry':
        await tx
          .update(outbox)
          .set({
            attempts: sql`${outbox.attempts} + 1`,
            lastError: step.error.slice(0, 500),
            availableAt: sql`NOW(6) + INTERVAL ${step.delayMs * 1000} MICROSECOND`,
          })
          .where(eq(outbox.id, row.id))
        await tx.update(payments).set({ attempts: sql`${payments.attempts} + 1` }).where(eq(payments.id, row.aggregateId))
        outcomes.add(1, { outcome: 'retry' })
        o.log.warn({ paymentId: row.aggregateId, attempt: row.attempts + 1, err: step.error }, 'capture failed transiently; will retry')
    }
  }

  /** One batch; returns how many rows it took. */
  async function drainOnce(): Promise<number> {
    return o.db.write.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.processedAt), eq(outbox.eventType, 'payment.requested'), lte(outbox.availableAt, sql`NOW(6)`)))
        .orderBy(asc(outbox.createdAt))
        .limit(o.batchSize)
        .for('update', { skipLocked: true })
      for (const row of rows) {
        // Continue the trace of the request that wrote the row.
        const parent = propagation.extract(ROOT_CONTEXT, row.traceContext ?? {})
        await context.with(parent, () =>
          tracer.startActiveSpan('payment.capture', { attributes: { 'pos.payment_id': row.aggregateId } }, async (span) => {
            try {
              await handle(tx, row)
            } catch (err) {
              span.recordException(err as Error)
              span.setStatus({ code: SpanStatusCode.ERROR })
              throw err
            } finally {
              span.end()
            }
          }),
        )
      }
      return rows.length
      // READ COMMITTED: the locking scan takes record locks only. Under REPEATABLE READ its
      // gap locks would block every new sale's outbox INSERT until the batch — gateway
      // calls included — commits.
    }, { isolationLevel: 'read committed' })
  }

  let running = false
  const timers = new Set<NodeJS.Timeout>()
  const inFlight = new Set<Promise<void>>()
  let lastError: string | null = null

  /** One of `concurrency` independent loops; SKIP LOCKED keeps their batches disjoint. */
  const loop = async (intervalMs: number) => {
    if (!running) return
    let took = 0
    const current = drainOnce().then(
      (n) => {
        took = n
        lastError = null
      },
      (err: Error) => {
        lastError = err.message
        o.log.error({ err }, 'outbox drain failed')
      },
    )
    inFlight.add(current)
    await current
    inFlight.delete(current)
    if (!running) return
    // A full batch means more is waiting: go again at once.
    const timer = setTimeout(() => {
      timers.delete(timer)
      void loop(intervalMs)
    }, took === o.batchSize ? 0 : intervalMs)
    timers.add(timer)
  }

  return {
    drainOnce,
    start(intervalMs: number) {
      running = true
      for (let i = 0; i < o.concurrency; i++) void loop(intervalMs)
    },
    /** Stops taking new batches and waits for those in flight. */
    async stop() {
      running = false
      for (const t of timers) clearTimeout(t)
      timers.clear()
      await Promise.all(inFlight)
    },
    lastError: () => lastError,
  }
}

export type OutboxDrainer = ReturnType<typeof createOutboxDrainer>
