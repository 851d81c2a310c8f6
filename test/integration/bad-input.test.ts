import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, cashSale, postSale, storefront, terminal, writerQuery } from '../support/fleet.js'

const region = 'eu-central-1' as const
const url = `${storefront(region)}/v1/sales`

async function salesCount(): Promise<number> {
  return Number((await writerQuery<{ n: number }>('SELECT COUNT(*) AS n FROM sales'))[0]!.n)
}

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number, type: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status)
  expect(r.headers.get('content-type')).toContain('application/problem+json')
  expect(r.body.type).toBe(`https://pos-fleet.io/problems/${type}`)
  expect(r.body.status).toBe(status)
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.js:\d+/)
}

describe('POST /v1/sales with bad input', () => {
  let before: number
  beforeAll(async () => {
    before = await salesCount()
  })
  afterAll(async () => {
    // None of the requests below may have written a sale.
    expect(await salesCount()).toBe(before)
  })

  const apiKey = () => terminal(region).apiKey

  it('answers 400 malformed-json to a body that is not JSON', async () => {
    expectProblem(await call(url, { apiKey: apiKey(), rawBody: '{"storeId": ', headers: { 'idempotency-key': randomUUID() } }), 400, 'malformed-json')
  })

  it('answers 415 to a body that is not application/json', async () => {
    expectProblem(
      await call(url, { apiKey: apiKey(), rawBody: 'x=1', headers: { 'idempotency-key': randomUUID(), 'content-type': 'text/plain' } }),
      415,
      'unsupported-media-type',
    )
  })

  it('answers 422 unknown-sku naming the SKU', async () => {
    const body = { ...cashSale(region), lines: [{ sku: 'NOPE-1', quantity: 1 }] }
    const r = await postSale(region, body)
    expectProblem(r, 422, 'unknown-sku')
    expect(r.body.skus).toEqual(['NOPE-1'])
  })

  it.each([0, -2, 1.5])('answers 400 validation-failed to quantity %s', async (quantity) => {
    const body = { ...cashSale(region), lines: [{ sku: 'ESP-DBL', quantity }] }
    const r = await postSale(region, body)
    expectProblem(r, 400, 'validation-failed')
    expect(r.body.errors[0].path).toBe('/lines/0/quantity')
  })

  it('answers 400 idempotency-key-missing without an Idempotency-Key', async () => {
    expectProblem(await postSale(region, cashSale(region), null), 400, 'idempotency-key-missing')
  })

  it('answers 413 to a body over the limit', async () => {
    const body = { ...cashSale(region), padding: 'x'.repeat(100 * 1024) }
    expectProblem(await postSale(region, body), 413, 'payload-too-large')
  })

  it('answers 401 to a missing or wrong API key, before looking at the body', async () => {
    const missing = await call(url, { body: cashSale(region), headers: { 'idempotency-key': randomUUID() } })
    expectProblem(missing, 401, 'unauthorized')
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    expectProblem(await call(url, { apiKey: 'pos_term_wrong', rawBody: '{not json', headers: { 'idempotency-key': randomUUID() } }), 401, 'unauthorized')
  })

  it('answers 422 amount-mismatch when the tendered amount is not the server total', async () => {
    const body = { ...cashSale(region, 2), payment: { method: 'cash', amountMinor: 1 } }
    const r = await postSale(region, body)
    expectProblem(r, 422, 'amount-mismatch')
    expect(r.body.expectedAmountMinor).toBe(700)
  })

  it('answers 422 payment-token-required to a card sale without a token', async () => {
    const body = { ...cashSale(region), payment: { method: 'card', amountMinor: 350 } }
    expectProblem(await postSale(region, body), 422, 'payment-token-required')
  })

  it('answers 400 to unknown fields and a missing storeId', async () => {
    expectProblem(await postSale(region, { ...cashSale(region), discount: 100 }), 400, 'validation-failed')
    const { storeId: _s, ...noStore } = cashSale(region)
    expectProblem(await postSale(region, noStore), 400, 'validation-failed')
  })
})

describe('GET /v1/sales/:saleId with bad input', () => {
  it('answers 400 to a sale id that is not a UUID and to a malformed session token', async () => {
    const apiKey = terminal(region).apiKey
    expectProblem(await call(`${storefront(region)}/v1/sales/not-a-uuid`, { apiKey }), 400, 'validation-failed')
    expectProblem(
      await call(`${storefront(region)}/v1/sales/${randomUUID()}`, { apiKey, headers: { 'x-session-token': 'DROP TABLE' } }),
      400,
      'validation-failed',
    )
  })
})
