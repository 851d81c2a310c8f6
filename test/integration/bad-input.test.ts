import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { call, cashSale, postSale, storefront, terminal, writerQuery } from '../support/fleet.js'

// Each answer's status and problem type is checked in-process (services/storefront/src/app.test.ts);
// what only the real fleet can show is that none of them wrote anything to the real database.

const region = 'eu-central-1' as const

async function salesCount(): Promise<number> {
  return Number((await writerQuery<{ n: number }>('SELECT COUNT(*) AS n FROM sales'))[0]!.n)
}

describe('POST /v1/sales with bad input', () => {
  it('is refused with a 4xx problem and writes no sale in the real database', async () => {
    const url = `${storefront(region)}/v1/sales`
    const apiKey = terminal(region).apiKey
    const key = randomUUID()
    expect((await postSale(region, cashSale(region), key)).status).toBe(201)
    const before = await salesCount()

    const answers = [
      await call(url, { apiKey, rawBody: '{"storeId": ', headers: { 'idempotency-key': randomUUID() } }),
      await call(url, { apiKey, rawBody: 'x=1', headers: { 'idempotency-key': randomUUID(), 'content-type': 'text/plain' } }),
      await postSale(region, { ...cashSale(region), lines: [{ sku: 'NOPE-1', quantity: 1 }] }),
      await postSale(region, { ...cashSale(region), lines: [{ sku: 'ESP-DBL', quantity: 0 }] }),
      await postSale(region, cashSale(region), null),
      await postSale(region, { ...cashSale(region), padding: 'x'.repeat(100 * 1024) }),
      await postSale(region, { ...cashSale(region, 2), payment: { method: 'cash', amountMinor: 1 } }),
      await postSale(region, { ...cashSale(region), payment: { method: 'card', amountMinor: 350 } }),
      await postSale(region, cashSale(region, 2), key),
      await call(url, { body: cashSale(region), headers: { 'idempotency-key': randomUUID() } }),
    ]
    expect(answers.map((a) => a.status)).toEqual([400, 415, 422, 400, 400, 413, 422, 422, 422, 401])
    for (const a of answers) expect(a.headers.get('content-type')).toContain('application/problem+json')
    expect(await salesCount()).toBe(before)
  })
})
