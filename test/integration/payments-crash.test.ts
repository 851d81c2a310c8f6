import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FLAKY_FAILURES } from '@pos-fleet/payment-gateway-sandbox/domain/outcomes'
import { region as regionSpec, topology } from '@pos-fleet/topology'
import { fleetService, kill, ownService, signalAndWait, stopOwn } from '../support/faults.js'
import { call, eventually, fleet, postSale, writerQuery } from '../support/fleet.js'
import { gatewayCharges, waitSettled } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

const writer = fleet.writer
const fleetWorker = fleetService(`payments-worker-${writer}`)

/**
 * The sandbox gateway in its test-only mode that charges on every call
 * (GATEWAY_TEST_NO_IDEMPOTENCY): a capture payments-worker sends twice becomes two charges
 * instead of being folded into one, so the worker's own exactly-once is what is measured.
 */
const gatewayPort = topology.paymentGateway.port + 1
const fleetGateway = fleetService('payment-gateway-sandbox').launch
const testGateway = ownService({
  ...fleetGateway,
  name: 'payment-gateway-no-idempotency',
  port: gatewayPort,
  env: {
    ...fleetGateway.env,
    PORT: String(gatewayPort),
    GATEWAY_LEDGER_PATH: join(mkdtempSync(join(tmpdir(), 'gateway-')), 'ledger.jsonl'),
    GATEWAY_TEST_NO_IDEMPOTENCY: 'true',
    OTEL_SERVICE_NAME: 'payment-gateway-no-idempotency',
  },
})
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
/** The fleet's worker launch, pointed at that gateway and on a port of its own. */
const workerPort = regionSpec(writer).ports.paymentsWorker + 1
const testWorker = ownService({
  ...fleetWorker.launch,
  name: 'payments-worker-under-test',
  port: workerPort,
  env: { ...fleetWorker.launch.env, PORT: String(workerPort), GATEWAY_URL: gatewayUrl },
})

async function sellCards(t: Tenant, tokens: string[]) {
  const sales: Array<{ saleId: string; payment: { paymentId: string } }> = []
  for (const card of tokens) {
    const r = await postSale(t.till(writer), t.sale(writer, 1, { card }))
    expect(r.status).toBe(201)
    sales.push(r.body)
  }
  return sales
}

async function paymentRows(paymentIds: string[]) {
  return writerQuery<{ id: string; status: string; gateway_charge_id: string | null }>(
    'SELECT id, status, gateway_charge_id FROM payments WHERE id IN (?)',
    [paymentIds],
  )
}

describe('payments-worker captures each payment once, measured at a gateway that does not deduplicate', () => {
  let normal: Tenant
  let crashed: Tenant
  beforeAll(async () => {
    ;[normal, crashed] = await seedTenants({}, {})
    // Only the worker under test drains the outbox; the fleet's comes back when the file ends.
    await signalAndWait(fleetWorker, 'SIGTERM')
    try {
      await testGateway.start()
      await testWorker.start()
    } catch (err) {
      await fleetWorker.start()
      throw err
    }
    return async () => {
      try {
        await stopOwn(testWorker).catch(() => undefined)
        await stopOwn(testGateway).catch(() => undefined)
      } finally {
        await fleetWorker.start()
      }
    }
  })

  it('sends one capture per approved card, and retries a flaky one only until its single charge', async () => {
    const sales = await sellCards(normal, ['tok_visa', 'tok_visa', 'tok_visa', 'tok_visa', 'tok_visa', 'tok_flaky', 'tok_chargeDeclined'])
    for (const s of sales) await waitSettled(normal.till(writer), s.saleId)
    const rows = new Map((await paymentRows(sales.map((s) => s.payment.paymentId))).map((r) => [r.id, r]))
    for (const [i, s] of sales.entries()) {
      const { charges, attempts } = await gatewayCharges(s.payment.paymentId, gatewayUrl)
      expect(charges, `payment ${i}`).toHaveLength(1)
      expect(rows.get(s.payment.paymentId)!.gateway_charge_id).toBe(charges[0].chargeId)
      expect(attempts, `payment ${i}`).toBe(i === 5 ? FLAKY_FAILURES + 1 : 1)
    }
  })

  it('after a SIGKILL mid-batch, re-sends only the captures of the batch it was killed in', async () => {
    const sales = await sellCards(crashed, Array(15).fill('tok_visa'))
    const paymentIds = sales.map((s) => s.payment.paymentId)
    const charged = async () => (await Promise.all(paymentIds.map((id) => gatewayCharges(id, gatewayUrl)))).filter((c) => c.charges.length > 0).length

    // Kill as soon as the gateway has charged some, but not all, of them.
    await eventually(async () => (await charged()) > 0, 20_000, 'first capture')
    const restart = await kill(testWorker)
    expect(await charged()).toBeLessThan(paymentIds.length)
    // Committed before the kill: their capture must never be sent again.
    const settledAtKill = new Set((await paymentRows(paymentIds)).filter((p) => p.status !== 'pending').map((p) => p.id))
    await restart()

    for (const s of sales) await waitSettled(crashed.till(writer), s.saleId)
    const rows = new Map((await paymentRows(paymentIds)).map((r) => [r.id, r]))
    const resent: string[] = []
    for (const id of paymentIds) {
      const { charges, attempts } = await gatewayCharges(id, gatewayUrl)
      expect(charges.map((c) => c.chargeId)).toContain(rows.get(id)!.gateway_charge_id)
      if (settledAtKill.has(id)) expect(attempts, `payment ${id} settled before the kill`).toBe(1)
      else expect(attempts).toBeLessThanOrEqual(2)
      if (attempts === 2) resent.push(id)
    }
    // The retry is confined to what the killed worker held: one batch per drain loop.
    const { DRAIN_BATCH_SIZE = '20', DRAIN_CONCURRENCY = '8' } = testWorker.launch.env
    expect(resent.length).toBeLessThanOrEqual(Number(DRAIN_BATCH_SIZE) * Number(DRAIN_CONCURRENCY))
    expect((await call(`http://127.0.0.1:${workerPort}/readyz`)).status).toBe(200)
  })
})

describe('payments-worker SIGKILLed mid-batch, with the fleet’s idempotent gateway', () => {
  let t: Tenant
  beforeAll(async () => {
    ;[t] = await seedTenants({})
  })

  it('captures every payment with exactly one charge, the one recorded', async () => {
    const sales = await sellCards(t, Array(15).fill('tok_visa'))
    const paymentIds = sales.map((s) => s.payment.paymentId)
    await eventually(async () => (await Promise.all(paymentIds.map((id) => gatewayCharges(id)))).some((c) => c.charges.length > 0), 20_000, 'first capture')
    const restart = await kill(fleetWorker)
    await restart()
    for (const s of sales) await waitSettled(t.till(writer), s.saleId)
    const rows = await paymentRows(paymentIds)
    for (const row of rows) {
      const { charges } = await gatewayCharges(row.id)
      expect(charges).toHaveLength(1)
      expect(row.gateway_charge_id).toBe(charges[0].chargeId)
    }
    const pending = await writerQuery('SELECT COUNT(*) AS n FROM outbox WHERE processed_at IS NULL AND aggregate_id IN (?)', [paymentIds])
    expect(Number(pending[0].n)).toBe(0)
  })
})
