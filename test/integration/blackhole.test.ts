import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DB_WRITE_TIMEOUT_MS } from '@pos-fleet/platform/config'
import { answerBoundMs } from '@pos-fleet/platform/deadline'
import { replicationStatus } from '../../packages/fleet/src/infra/mariadb.js'
import { blackholeRegion } from '../../packages/fleet/src/infra/toxiproxy.js'
import { call, cashSale, eventually, inventory, postSale, storefront, writerQuery } from '../support/fleet.js'

const region = 'eu-central-1' as const
/** The stated bound on any answer: DB_WRITE_TIMEOUT_MS (the fleet runs the default) + margin. */
const BOUND_S = answerBoundMs(DEFAULT_DB_WRITE_TIMEOUT_MS) / 1000
const CUT_MS = 8_000

const seconds = (ms: number) => ms / 1000

async function readyz(service = storefront(region)) {
  return (await call(`${service}/readyz`)).body as {
    checks: { writePath: { ok: boolean; detail?: string } }
    replicationLagMs: number | null
  }
}

/**
 * The WAN failing the way it usually does: every packet of eu-central-1's write path and
 * replication stream dropped, nothing refused or closed. Only deadlines can notice.
 */
describe('a blackholed write path', () => {
  it('answers every sale within the write timeout + margin, says so in /readyz, and commits everything after the heal', async () => {
    const online = await postSale(region, cashSale(region))
    expect(online.status).toBe(201)
    const lagBefore = (await readyz()).replicationLagMs ?? 0

    const accepted: Array<{ saleId: string; key: string }> = []
    const answers: number[] = []
    const sell = async () => {
      const key = randomUUID()
      const r = await postSale(region, cashSale(region), key)
      answers.push(r.ms)
      expect([201, 202]).toContain(r.status)
      accepted.push({ saleId: r.body.saleId, key })
    }

    const fault = await blackholeRegion(region)
    const cutAt = performance.now()
    let writePathDownAfterMs = Number.NaN
    let idleWritePathDownAfterMs = Number.NaN
    let ioThreadNoticedAfterMs = Number.NaN
    let lagDuringCut = 0
    try {
      const watchIo = eventually(async () => (await replicationStatus(region))?.ioThread !== 'Yes', CUT_MS, 'the replica IO thread to notice').then(
        () => (ioThreadNoticedAfterMs = performance.now() - cutAt),
      )
      // inventory-delta gets no traffic here: only its probe (the heartbeat) can open its breaker.
      const idleDown = eventually(async () => (await readyz(inventory(region))).checks.writePath.ok === false, CUT_MS, 'an idle service’s /readyz to report the write path down').then(
        () => (idleWritePathDownAfterMs = performance.now() - cutAt),
      )
      // Sales in flight at the cut, with the breaker still closed: they wait on the dead link.
      const inFlight = Promise.all([sell(), sell(), sell()])
      await eventually(async () => (await readyz()).checks.writePath.ok === false, CUT_MS, '/readyz to report the write path down')
      writePathDownAfterMs = performance.now() - cutAt
      await Promise.all([inFlight, idleDown])
      // And sales after the breaker opened, while the cut lasts.
      while (performance.now() - cutAt < CUT_MS - 1_000) {
        await sell()
        await sleep(500)
      }
      lagDuringCut = (await readyz()).replicationLagMs ?? 0
      await watchIo
    } finally {
      await fault.heal()
    }
    process.stderr.write(
      `[blackhole] /readyz writePath down after ${seconds(writePathDownAfterMs).toFixed(1)} s (idle inventory-delta: ${seconds(idleWritePathDownAfterMs).toFixed(1)} s); replica IO thread noticed after ${seconds(ioThreadNoticedAfterMs).toFixed(1)} s; ` +
        `slowest sale ${seconds(Math.max(...answers)).toFixed(2)} s; lag ${lagBefore} → ${lagDuringCut} ms\n`,
    )

    for (const ms of answers) expect(seconds(ms)).toBeLessThanOrEqual(BOUND_S)
    // The breaker's probe has the write deadline too, so the cut shows within it and a beat.
    expect(seconds(writePathDownAfterMs)).toBeLessThanOrEqual(BOUND_S)
    expect(seconds(idleWritePathDownAfterMs)).toBeLessThanOrEqual(BOUND_S)
    // Nothing replicates during the cut: the lag grows with it.
    expect(lagDuringCut).toBeGreaterThan(lagBefore + CUT_MS / 2)

    const keys = accepted.map((a) => a.key)
    await eventually(
      async () => (await writerQuery<{ n: number }>('SELECT COUNT(*) AS n FROM sales WHERE idempotency_key IN (?)', [keys]))[0]!.n === keys.length,
      60_000,
      'every sale accepted during the cut to be committed at the writer',
    )
    const rows = await writerQuery<{ id: string }>('SELECT id FROM sales WHERE idempotency_key IN (?)', [keys])
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(accepted.map((a) => a.saleId)))
    await eventually(async () => (await readyz()).checks.writePath.ok, 20_000, 'the write path to be back')
  }, 120_000)
})
