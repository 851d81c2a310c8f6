import { randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { logsDir } from '../../packages/fleet/src/infra/paths.js'
import { cutRegion, healRegion } from '../support/faults.js'
import { paymentEventFor } from '../support/payment-events.js'
import { call, eventually, postSale, storefront, writerQuery } from '../support/fleet.js'
import { waitSettled } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'us-east-1' as const

let t: Tenant
beforeAll(async () => {
  t = await seedTenant()
})

describe('tracing across the store-and-forward queue', () => {
  it('continues a provisional sale’s trace through its replay, the outbox and the payment event', async () => {
    const traceId = randomBytes(16).toString('hex')
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`

    await cutRegion(region)
    const made = await postSale(t.till(region), t.sale(region, 1, { card: 'tok_visa' }), randomUUID(), { traceparent })
    expect(made.status).toBe(202)
    await healRegion(region)

    const { saleId, payment } = made.body
    expect((await waitSettled(t.till(region), saleId)).payment.status).toBe('captured')

    // The replay ran inside the queue consumer's span, a child of the request's trace.
    const [row] = await writerQuery<{ trace_context: string | Record<string, string> }>('SELECT trace_context FROM outbox WHERE aggregate_id = ?', [payment.paymentId])
    const ctx = typeof row!.trace_context === 'string' ? JSON.parse(row!.trace_context) : row!.trace_context
    expect(ctx.traceparent).toMatch(new RegExp(`^00-${traceId}-`))

    // payments-worker continued it from the outbox row into the event it published.
    const event = await paymentEventFor(saleId)
    expect(event.headers.traceparent?.toString()).toMatch(new RegExp(`^00-${traceId}-`))
  })
})

describe('logs of a request', () => {
  it('ties a request’s log lines to the caller’s trace: the trace id is on the line, unsampled too', async () => {
    const traceId = randomBytes(16).toString('hex')
    // Sampled flag 00: the span is not recorded, the ids still propagate into the logs.
    const rejected = await call(`${storefront(region)}/v1/catalog/items?limit=0`, {
      apiKey: t.till(region).apiKey,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` },
    })
    expect(rejected.status).toBe(400)
    const line = await eventually(async () => {
      const log = await readFile(join(logsDir, `storefront-${region}.log`), 'utf8')
      return log.split('\n').find((l) => l.includes(traceId))
    }, 10_000, `a storefront-${region} log line with trace id ${traceId}`)
    expect(JSON.parse(line)).toMatchObject({ trace_id: traceId, msg: 'request rejected', problem: 'validation-failed', region })
  })
})
