import { describe, expect, it } from 'vitest'
import { paymentEventFor } from '../support/payment-events.js'
import { call, cardSale, eventually, fleet, postSale, storefront, terminal } from '../support/fleet.js'

describe('a sale made in Frankfurt', () => {
  it('commits through the write path, replicates to every region and has its payment captured once', async () => {
    const made = await postSale('eu-central-1', cardSale('eu-central-1', 'tok_visa', 2))
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ status: 'committed', totalMinor: 700, currency: 'USD', region: 'eu-central-1' })
    expect(made.body.sessionToken).toMatch(/^\d+-\d+-\d+/)
    const { saleId } = made.body

    for (const region of ['ap-southeast-1', 'us-east-1'] as const) {
      const seen = await eventually(async () => {
        const r = await call(`${storefront(region)}/v1/sales/${saleId}`, { apiKey: terminal(region).apiKey })
        return r.status === 200 ? r.body : undefined
      }, 10_000, `sale visible in ${region}`)
      expect(seen).toMatchObject({ saleId, totalMinor: 700, readFrom: 'replica' })
      expect(seen.lines).toEqual([{ lineNo: 1, sku: 'ESP-DBL', quantity: 2, unitPriceMinor: 350, lineTotalMinor: 700 }])
    }

    const captured = await eventually(async () => {
      const r = await call(`${storefront('eu-central-1')}/v1/sales/${saleId}`, { apiKey: terminal('eu-central-1').apiKey })
      return r.body?.payment?.status === 'captured' ? r.body : undefined
    }, 20_000, 'payment captured')
    expect(captured.payment).toMatchObject({ method: 'card', amountMinor: 700 })

    const charges = await call(`${fleet.paymentGateway}/v1/charges?paymentId=${captured.payment.paymentId}`)
    expect(charges.body.charges).toHaveLength(1)
    expect(charges.body.charges[0]).toMatchObject({ status: 'succeeded', amountMinor: 700 })
  })

  it('publishes payment.captured on the writer region’s Kafka, keyed by sale', async () => {
    const made = await postSale('eu-central-1', cardSale('eu-central-1', 'tok_visa'))
    expect(made.status).toBe(201)
    const event = await paymentEventFor(made.body.saleId)
    expect(event.value).toMatchObject({ eventType: 'payment.captured', saleId: made.body.saleId, outcome: 'captured' })
    expect(event.headers.traceparent?.toString()).toMatch(/^00-[0-9a-f]{32}-/)
  })

  it('is readable at once in its own region with the session token (read-your-writes)', async () => {
    const made = await postSale('us-east-1', cardSale('us-east-1', 'tok_visa'))
    expect(made.status).toBe(201)
    const read = await call(`${storefront('us-east-1')}/v1/sales/${made.body.saleId}`, {
      apiKey: terminal('us-east-1').apiKey,
      headers: { 'x-session-token': made.body.sessionToken },
    })
    expect(read.status).toBe(200)
    expect(read.body.saleId).toBe(made.body.saleId)
    expect(['replica-after-wait', 'write-path']).toContain(read.body.readFrom)
  })

  it('reads with a session token in the writer region straight from its primary, without waiting on replication', async () => {
    const writer = fleet.writer
    const made = await postSale(writer, cardSale(writer, 'tok_visa'))
    expect(made.status).toBe(201)
    const read = await call(`${storefront(writer)}/v1/sales/${made.body.saleId}`, {
      apiKey: terminal(writer).apiKey,
      headers: { 'x-session-token': made.body.sessionToken },
    })
    expect(read.status).toBe(200)
    expect(read.body.readFrom).toBe('primary')
  })

  it('settles declined and flaky cards with the gateway’s final answer', async () => {
    const declined = await postSale('ap-southeast-1', cardSale('ap-southeast-1', 'tok_chargeDeclined'))
    const flaky = await postSale('ap-southeast-1', cardSale('ap-southeast-1', 'tok_flaky'))
    expect(declined.status).toBe(201)
    expect(flaky.status).toBe(201)
    const statusOf = async (saleId: string) =>
      (await call(`${storefront('ap-southeast-1')}/v1/sales/${saleId}`, { apiKey: terminal('ap-southeast-1').apiKey })).body.payment
    const d = await eventually(async () => ((await statusOf(declined.body.saleId)).status === 'declined' ? statusOf(declined.body.saleId) : undefined))
    expect(d.declineCode).toBe('card_declined')
    const f = await eventually(async () => ((await statusOf(flaky.body.saleId)).status === 'captured' ? true : undefined), 30_000, 'flaky card captured')
    expect(f).toBe(true)
  })
})
