import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { region as regionSpec } from '@pos-fleet/topology'
import { stateDir } from '../../packages/fleet/src/infra/paths.js'
import { isPortFree } from '../../packages/fleet/src/infra/processes.js'
import { paymentsWorkerLaunch, signalService, startService } from '../../packages/fleet/src/services.js'
import { call, cardSale, eventually, fleet, postSale, writerQuery } from '../support/fleet.js'

function ledgerLines(): Array<{ paymentId: string; chargeId: string }> {
  return readFileSync(join(stateDir, 'payment-gateway', 'ledger.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
}

describe('payments-worker killed with SIGKILL in the middle of draining', () => {
  it('captures every payment exactly once after it is restarted', async () => {
    const writer = fleet.writer
    const sales = []
    for (let i = 0; i < 15; i++) {
      const r = await postSale(writer, cardSale(writer, 'tok_visa'))
      expect(r.status).toBe(201)
      sales.push(r.body)
    }
    const paymentIds = sales.map((s) => s.payment.paymentId as string)

    // Kill as soon as the gateway has charged some, but not all, of them.
    await eventually(async () => ledgerLines().some((l) => paymentIds.includes(l.paymentId)), 20_000, 'first capture')
    expect(signalService(`payments-worker-${writer}`, 'SIGKILL')).toBe(true)
    const chargedAtKill = ledgerLines().filter((l) => paymentIds.includes(l.paymentId)).length
    expect(chargedAtKill).toBeLessThan(paymentIds.length)

    // The kernel releases the killed worker's port only once it is really gone.
    await eventually(() => isPortFree(regionSpec(writer).ports.paymentsWorker), 10_000, 'killed worker gone')
    await startService(
      paymentsWorkerLaunch({ writer, logLevel: 'info' }, regionSpec(writer)),
    )

    const rows = await eventually(async () => {
      const r = await writerQuery<{ id: string; status: string; gateway_charge_id: string }>(
        `SELECT id, status, gateway_charge_id FROM payments WHERE id IN (${paymentIds.map(() => '?').join(',')})`,
        paymentIds,
      )
      return r.every((p) => p.status === 'captured') ? r : undefined
    }, 30_000, 'all payments captured')

    // The gateway's durable ledger: exactly one charge per payment, and it is the one recorded.
    const ledger = ledgerLines().filter((l) => paymentIds.includes(l.paymentId))
    expect(ledger).toHaveLength(paymentIds.length)
    expect(new Set(ledger.map((l) => l.paymentId)).size).toBe(paymentIds.length)
    const chargeOf = new Map(ledger.map((l) => [l.paymentId, l.chargeId]))
    for (const row of rows) expect(row.gateway_charge_id).toBe(chargeOf.get(row.id))

    const pending = await writerQuery(
      `SELECT COUNT(*) AS n FROM outbox WHERE processed_at IS NULL AND aggregate_id IN (${paymentIds.map(() => '?').join(',')})`,
      paymentIds,
    )
    expect(Number(pending[0].n)).toBe(0)
    const ready = await call(fleet.regions[writer].paymentsWorker! + '/readyz')
    expect(ready.status).toBe(200)
  })
})
