import { beforeAll, describe, expect, it } from 'vitest'
import { FLAKY_FAILURES } from '@pos-fleet/payment-gateway-sandbox/domain/outcomes'
import { paymentEventFor } from '../support/payment-events.js'
import { eventually, fleet, postSale } from '../support/fleet.js'
import { gatewayCharges, getSale, waitSettled } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

describe('a sale made in Frankfurt', () => {
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('commits through the write path, replicates to every region and has its payment captured once', async () => {
    const made = await postSale(t.till('eu-central-1'), t.sale('eu-central-1', 2, { card: 'tok_visa' }))
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ status: 'committed', totalMinor: 700, currency: 'USD', region: 'eu-central-1' })
    expect(made.body.sessionToken).toMatch(/^\d+-\d+-\d+/)
    const { saleId } = made.body

    for (const region of ['ap-southeast-1', 'us-east-1'] as const) {
      const seen = await eventually(async () => {
        const r = await getSale(t.till(region), saleId)
        return r.status === 200 ? r.body : undefined
      }, 10_000, `sale visible in ${region}`)
      expect(seen).toMatchObject({ saleId, totalMinor: 700, readFrom: 'replica' })
      expect(seen.lines).toEqual([{ lineNo: 1, sku: 'ESP-DBL', quantity: 2, unitPriceMinor: 350, lineTotalMinor: 700 }])
    }

    const captured = await waitSettled(t.till('eu-central-1'), saleId)
    expect(captured.payment).toMatchObject({ method: 'card', status: 'captured', amountMinor: 700 })
    const { charges, attempts } = await gatewayCharges(captured.payment.paymentId)
    expect(charges).toHaveLength(1)
    expect(charges[0]).toMatchObject({ status: 'succeeded', amountMinor: 700 })
    expect(attempts).toBe(1)
  })

  it('publishes payment.captured on the writer region’s Kafka, keyed by sale', async () => {
    const made = await postSale(t.till('eu-central-1'), t.sale('eu-central-1', 1, { card: 'tok_visa' }))
    expect(made.status).toBe(201)
    const event = await paymentEventFor(made.body.saleId)
    expect(event.value).toMatchObject({ eventType: 'payment.captured', saleId: made.body.saleId, outcome: 'captured' })
    expect(event.headers.traceparent?.toString()).toMatch(/^00-[0-9a-f]{32}-/)
  })

  it('is readable at once in its own region with the session token (read-your-writes)', async () => {
    const till = t.till('us-east-1')
    const made = await postSale(till, t.sale('us-east-1', 1, { card: 'tok_visa' }))
    expect(made.status).toBe(201)
    const read = await getSale(till, made.body.saleId, made.body.sessionToken)
    expect(read.status).toBe(200)
    expect(read.body.saleId).toBe(made.body.saleId)
    expect(['replica-after-wait', 'write-path']).toContain(read.body.readFrom)
  })

  it('reads with a session token in the writer region straight from its primary, without waiting on replication', async () => {
    const till = t.till(fleet.writer)
    const made = await postSale(till, t.sale(fleet.writer, 1, { card: 'tok_visa' }))
    expect(made.status).toBe(201)
    const read = await getSale(till, made.body.saleId, made.body.sessionToken)
    expect(read.status).toBe(200)
    expect(read.body.readFrom).toBe('primary')
  })

  it('settles declined and flaky cards with the gateway’s final answer, charging each once', async () => {
    const till = t.till('ap-southeast-1')
    const declined = await postSale(till, t.sale('ap-southeast-1', 1, { card: 'tok_chargeDeclined' }))
    const flaky = await postSale(till, t.sale('ap-southeast-1', 1, { card: 'tok_flaky' }))
    expect(declined.status).toBe(201)
    expect(flaky.status).toBe(201)
    const d = await waitSettled(till, declined.body.saleId)
    expect(d.payment).toMatchObject({ status: 'declined', declineCode: 'card_declined' })
    const f = await waitSettled(till, flaky.body.saleId)
    expect(f.payment.status).toBe('captured')
    // tok_flaky fails transiently FLAKY_FAILURES times: retried until the one charge.
    expect(await gatewayCharges(f.payment.paymentId)).toMatchObject({ charges: [{ status: 'succeeded' }], attempts: FLAKY_FAILURES + 1 })
  })
})
