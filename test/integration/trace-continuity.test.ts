import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { setRegionLinks } from '../../packages/fleet/src/infra/toxiproxy.js'
import { paymentEventFor } from '../support/payment-events.js'
import { call, cardSale, eventually, fleet, storefront, terminal, writerQuery } from '../support/fleet.js'

const region = 'us-east-1' as const

describe('tracing across the store-and-forward queue', () => {
  afterAll(async () => {
    await setRegionLinks(region, true)
  })

  it('continues a provisional sale’s trace through its replay, the outbox and the payment event', async () => {
    const traceId = randomBytes(16).toString('hex')
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`

    await setRegionLinks(region, false)
    const made = await call(`${storefront(region)}/v1/sales`, {
      apiKey: terminal(region).apiKey,
      body: cardSale(region, 'tok_visa'),
      headers: { 'idempotency-key': crypto.randomUUID(), traceparent },
    })
    expect(made.status).toBe(202)
    await setRegionLinks(region, true)

    const { saleId, payment } = made.body
    await eventually(async () => {
      const r = await call(`${storefront(region)}/v1/sales/${saleId}`, { apiKey: terminal(region).apiKey })
      return r.body?.payment?.status === 'captured' ? r : undefined
    }, 30_000, 'replayed and captured')

    // The replay ran inside the queue consumer's span, a child of the request's trace.
    const [row] = await writerQuery<{ trace_context: string | Record<string, string> }>('SELECT trace_context FROM outbox WHERE aggregate_id = ?', [payment.paymentId])
    const ctx = typeof row!.trace_context === 'string' ? JSON.parse(row!.trace_context) : row!.trace_context
    expect(ctx.traceparent).toMatch(new RegExp(`^00-${traceId}-`))

    // payments-worker continued it from the outbox row into the event it published.
    const event = await paymentEventFor(saleId)
    expect(event.headers.traceparent?.toString()).toMatch(new RegExp(`^00-${traceId}-`))
  })
})
