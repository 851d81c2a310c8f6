import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_DB_WRITE_TIMEOUT_MS } from '@pos-fleet/platform/config'
import { answerBoundMs } from '@pos-fleet/platform/deadline'
import { replicationStatus } from '../../packages/fleet/src/infra/mariadb.js'
import { faultRegion, waitWritePath } from '../support/faults.js'
import { eventually, inventory, postSale, readiness } from '../support/fleet.js'
import { expectSalesExactly } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'eu-central-1' as const
/** The stated bound on any answer: DB_WRITE_TIMEOUT_MS (the fleet runs the default) + margin. */
const BOUND_S = answerBoundMs(DEFAULT_DB_WRITE_TIMEOUT_MS) / 1000
const CUT_MS = 8_000

const seconds = (ms: number) => ms / 1000
const lagOf = async () => ((await readiness(region)).body.replicationLagMs as number | null) ?? 0

/**
 * The WAN failing the way it usually does: every packet of eu-central-1's write path and
 * replication stream dropped, nothing refused or closed. Only deadlines can notice.
 */
describe('a blackholed write path', () => {
  let shop: Tenant
  beforeAll(async () => {
    shop = await seedTenant()
  })

  it('answers every sale within the write timeout + margin, says so in /readyz, and commits everything after the heal', async () => {
    const till = shop.till(region)
    const onlineKey = randomUUID()
    const online = await postSale(till, shop.sale(region), onlineKey)
    expect(online.status).toBe(201)
    const accepted = new Map<string, string>([[onlineKey, online.body.saleId]])
    const lagBefore = await lagOf()

    const answers: number[] = []
    const sell = async () => {
      const key = randomUUID()
      const r = await postSale(till, shop.sale(region), key)
      answers.push(r.ms)
      expect([201, 202]).toContain(r.status)
      accepted.set(key, r.body.saleId)
    }

    const fault = await faultRegion(region, 'blackhole')
    const cutAt = performance.now()
    const since = () => performance.now() - cutAt
    const ioNoticed = eventually(async () => (await replicationStatus(region))?.ioThread !== 'Yes', CUT_MS, 'the replica IO thread to notice').then(since)
    // inventory-delta gets no traffic here: only its probe (the heartbeat) can open its breaker.
    const idleDown = waitWritePath(region, false, CUT_MS, inventory(region)).then(since)
    // Sales in flight at the cut, with the breaker still closed: they wait on the dead link.
    const inFlight = Promise.all([sell(), sell(), sell()])
    const down = await waitWritePath(region, false, CUT_MS).then(since)
    await inFlight
    // And sales after the breaker opened, while the cut lasts.
    while (since() < CUT_MS - 1_000) {
      await sell()
      await sleep(500)
    }
    const lagDuringCut = await lagOf()
    const [idle, io] = await Promise.all([idleDown, ioNoticed])
    await fault.heal()
    process.stderr.write(
      `[blackhole] /readyz writePath down after ${seconds(down).toFixed(1)} s (idle inventory-delta: ${seconds(idle).toFixed(1)} s); ` +
        `replica IO thread noticed after ${seconds(io).toFixed(1)} s; slowest sale ${seconds(Math.max(...answers)).toFixed(2)} s; lag ${lagBefore} → ${lagDuringCut} ms\n`,
    )

    for (const ms of answers) expect(seconds(ms)).toBeLessThanOrEqual(BOUND_S)
    // The breaker's probe has the write deadline too, so the cut shows within it and a beat.
    expect(seconds(down)).toBeLessThanOrEqual(BOUND_S)
    expect(seconds(idle)).toBeLessThanOrEqual(BOUND_S)
    // Nothing replicates during the cut: the lag grows with it.
    expect(lagDuringCut).toBeGreaterThan(lagBefore + CUT_MS / 2)

    // After the heal every accepted sale is committed once, under the id its answer gave.
    await expectSalesExactly(shop, accepted, 60_000)
    await waitWritePath(region, true, 20_000)
  }, 120_000)
})
