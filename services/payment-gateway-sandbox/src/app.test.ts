import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from './app.js'
import { Ledger } from './ledger.js'

const opened: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close()
})

function gateway(noIdempotency: boolean) {
  const path = join(mkdtempSync(join(tmpdir(), 'gw-')), 'ledger.jsonl')
  const ledger = new Ledger(path)
  const app = buildApp({ ledger, latencyMs: 0, failureRate: 0, noIdempotency, logger: false })
  opened.push(app, ledger)
  const charge = (paymentId: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/charges',
      headers: { 'idempotency-key': paymentId },
      payload: { paymentId, token: 'tok_visa', amountMinor: 100, currency: 'USD' },
    })
  const charges = async (paymentId: string) => (await app.inject({ method: 'GET', url: `/v1/charges?paymentId=${paymentId}` })).json()
  return { charge, charges, path }
}

describe('POST /v1/charges', () => {
  it('charges once per payment id, answers a retry with the stored charge and counts both calls', async () => {
    const gw = gateway(false)
    const paymentId = randomUUID()
    const first = await gw.charge(paymentId)
    const second = await gw.charge(paymentId)
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(200)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(second.json().chargeId).toBe(first.json().chargeId)
    expect(await gw.charges(paymentId)).toEqual({ charges: [first.json()], attempts: 2 })
  })

  it('charges again on every call in the test-only mode without idempotency, durably', async () => {
    const gw = gateway(true)
    const paymentId = randomUUID()
    expect((await gw.charge(paymentId)).statusCode).toBe(201)
    expect((await gw.charge(paymentId)).statusCode).toBe(201)
    const { charges, attempts } = await gw.charges(paymentId)
    expect(attempts).toBe(2)
    expect(new Set(charges.map((c: { chargeId: string }) => c.chargeId)).size).toBe(2)
    // Both survive a restart of the gateway.
    const reopened = new Ledger(gw.path)
    opened.push(reopened)
    expect(reopened.chargesFor(paymentId)).toHaveLength(2)
  })
})
