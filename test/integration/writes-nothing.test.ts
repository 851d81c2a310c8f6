import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { asRoot } from '../support/faults.js'
import { call, fleet, postSale, storefront, waitReplicated, writerGtid } from '../support/fleet.js'
import { tenantRows } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

const region = 'eu-central-1' as const

/**
 * Makes the real multi-statement sale commit fail at its LAST statement, for one tenant
 * only: a trigger on the outbox refuses that merchant's payment.requested row, after the
 * sale, its lines, its payment and its stock deltas went in. Created and dropped as root on
 * the writer (replicas apply row events, which do not fire triggers).
 */
async function failOutboxInsertsOf(t: Tenant): Promise<void> {
  const name = `fail_outbox_${t.merchantId}`
  onTestFinished(() => asRoot(fleet.writer, (db) => db.query(`DROP TRIGGER IF EXISTS pos.${name}`)).then(() => undefined))
  await asRoot(fleet.writer, (db) =>
    db.query(
      `CREATE TRIGGER pos.${name} BEFORE INSERT ON pos.outbox FOR EACH ROW
         IF JSON_VALUE(NEW.payload, '$.merchantId') = ${db.escape(t.merchantId)} THEN
           SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test: outbox insert refused';
         END IF`,
    ),
  )
}

describe('a sale either commits whole or writes nothing', () => {
  let failedHalfway: Tenant
  let badInput: Tenant
  beforeAll(async () => {
    ;[failedHalfway, badInput] = await seedTenants({}, {})
  })

  it('leaves no row in any table when the commit fails after the sale, lines, payment and deltas', async () => {
    const t = failedHalfway
    const before = await tenantRows(t)
    await failOutboxInsertsOf(t)
    const r = await postSale(t.till(region), t.sale(region, [{ sku: 'ESP-DBL', quantity: 2 }, { sku: 'CRS-BTR', quantity: 1 }], { card: 'tok_visa' }))
    expect(r.status, JSON.stringify(r.body)).toBe(500)
    expect(r.headers.get('content-type')).toContain('application/problem+json')
    // A statement error is not an outage: the sale is refused, not queued to replay forever.
    expect(r.body.type).not.toMatch(/write-path-unavailable|provisional/)
    expect(await tenantRows(t)).toEqual(before)
    // Nor does it reach any replica later.
    await waitReplicated(await writerGtid())
    expect(await tenantRows(t)).toEqual(before)
  })

  it('writes nothing in any table for bad input, answering each with a 4xx problem', async () => {
    const t = badInput
    const till = t.till(region)
    const url = `${storefront(region)}/v1/sales`
    // One good sale, so a reused key has something to collide with.
    const key = randomUUID()
    expect((await postSale(till, t.sale(region, 1), key)).status).toBe(201)
    const before = await tenantRows(t)

    const answers = [
      await call(url, { apiKey: till.apiKey, rawBody: '{"storeId": ', headers: { 'idempotency-key': randomUUID() } }),
      await call(url, { apiKey: till.apiKey, rawBody: 'x=1', headers: { 'idempotency-key': randomUUID(), 'content-type': 'text/plain' } }),
      await postSale(till, { ...t.sale(region), lines: [{ sku: 'NOPE-1', quantity: 1 }] }),
      await postSale(till, { ...t.sale(region), lines: [{ sku: 'ESP-DBL', quantity: 0 }] }),
      await postSale(till, t.sale(region), null),
      await postSale(till, { ...t.sale(region), padding: 'x'.repeat(100 * 1024) }),
      await postSale(till, { ...t.sale(region, 2), payment: { method: 'cash', amountMinor: 1 } }),
      await postSale(till, { ...t.sale(region), payment: { method: 'card', amountMinor: 350 } }),
      await postSale(till, { ...t.sale(region), storeId: t.till('us-east-1').storeId }),
      await postSale(till, t.sale(region, 2), key),
      await call(url, { body: t.sale(region), headers: { 'idempotency-key': randomUUID() } }),
    ]
    expect(await tenantRows(t)).toEqual(before)
    // Each answer's problem type is checked in-process (services/storefront/src/app.test.ts).
    expect(answers.map((a) => a.status)).toEqual([400, 415, 422, 400, 400, 413, 422, 400, 403, 422, 401])
    for (const a of answers) expect(a.headers.get('content-type')).toContain('application/problem+json')
  })
})
