import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { region as regionSpec } from '@pos-fleet/topology'
import { replicationStatus, startRegionDb } from '../../packages/fleet/src/infra/mariadb.js'
import { type Killable, cutRegion, healRegion, kill, waitWritePath } from '../support/faults.js'
import { call, eventually, inventory, postSale, readerRegions, storefront } from '../support/fleet.js'
import { expectSalesExactly, getSale, postDelta, waitSettled, waitStockEverywhere } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

/**
 * A region loses its own MariaDB (SIGKILL) — what the writer region suffers in the unplanned
 * failover drill, here on a reader so the write path stays up. Its storefront and
 * inventory-delta keep selling on the reference data they read before (stale-if-error.ts):
 * committed through the write path while that is up, queued provisionally once the region's
 * WAN is cut too. Then the database restarts from its data directory and rejoins replication.
 */
const region = readerRegions[0]!

function regionDb(): Killable {
  return { name: `mariadb-${region}`, port: regionSpec(region).ports.mariadb, start: () => startRegionDb(region) }
}

const readyz = (url: string) => call(`${url}/readyz`)

/** pos_reference_stale_reads_total for one cache, from the region's storefront /metrics. */
async function staleReads(cache: string): Promise<number> {
  const { body } = await call<string>(`${storefront(region)}/metrics`)
  const line = body.split('\n').find((l) => l.startsWith('pos_reference_stale_reads_total{') && l.includes(`cache="${cache}"`))
  return line ? Number(line.split(' ').at(-1)) : 0
}

describe('a region whose own database is down', () => {
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('keeps selling: 201 through the write path, 202 once its WAN is cut too; loses and duplicates nothing', async () => {
    const till = t.till(region)
    const accepted = new Map<string, string>()
    const sell = async (card: boolean, expected: 201 | 202) => {
      const key = randomUUID()
      const r = await postSale(till, t.sale(region, 1, card ? { card: 'tok_visa' } : {}), key)
      expect(r.status, JSON.stringify(r.body)).toBe(expected)
      accepted.set(key, r.body.saleId)
    }
    const restock = async (expected: 201 | 202) => {
      const r = await postDelta(t, region, { deltaId: `replica-down-${randomUUID()}`, sku: 'ESP-DBL', quantity: 5, reason: 'restock' })
      expect(r.status, JSON.stringify(r.body)).toBe(expected)
    }

    // Before: the services read the till's key, the store, prices and floor limit from their replica.
    await sell(true, 201)
    await restock(201)

    const restartDb = await kill(regionDb())
    const down = await eventually(async () => {
      const r = await readyz(storefront(region))
      return r.body?.checks?.readReplica?.ok === false ? r : undefined
    }, 15_000, `${region} storefront reporting its replica down`)
    // Truthful, and still ready: it sells on what it read (a cold process would not be).
    expect(down.status).toBe(200)
    expect(down.body.checks.readReplica).toMatchObject({ ok: false, critical: false })
    expect((await readyz(inventory(region))).body.checks.readReplica.ok).toBe(false)
    expect((await call(`${storefront(region)}/healthz`)).status).toBe(200)

    // Only the replica is down: the write path commits.
    await sell(true, 201)
    await sell(false, 201)
    await restock(201)
    // A sale lookup reads around the dead replica.
    const lookup = await getSale(till, [...accepted.values()].at(-1)!)
    expect(lookup.status, JSON.stringify(lookup.body)).toBe(200)
    expect(lookup.body).toMatchObject({ status: 'committed', readFrom: 'write-path' })
    expect(await staleReads('catalog prices')).toBeGreaterThan(0)

    // The WAN is cut too (the writer region's fate in the drill): store-and-forward.
    await cutRegion(region)
    await waitWritePath(region, false)
    await sell(true, 202)
    await restock(202)
    // Past the key cache's 10 s TTL the till's key itself is served from memory: keep selling until it is.
    const giveUp = Date.now() + 30_000
    while ((await staleReads('API keys')) === 0) {
      if (Date.now() > giveUp) throw new Error('the till key was never served from memory')
      await sell(false, 202)
      await sleep(500)
    }
    // A key this process never resolved is refused, never taken on trust.
    const stranger = await postSale({ ...till, apiKey: `pos_term_${randomUUID()}` }, t.sale(region), randomUUID())
    expect(stranger.status).toBe(503)

    await restartDb()
    await healRegion(region)
    await eventually(async () => {
      const s = await replicationStatus(region)
      return s?.ioThread === 'Yes' && s.sqlThreadRunning ? s : undefined
    }, 30_000, `${region} replicating again`)
    await eventually(async () => ((await readyz(storefront(region))).body?.checks?.readReplica?.ok === true ? true : undefined), 15_000, `${region} replica back in /readyz`)

    for (const saleId of accepted.values()) await waitSettled(till, saleId, 60_000)
    await expectSalesExactly(t, accepted)
    const seeded = t.item('ESP-DBL').stock
    await waitStockEverywhere(t, region, 'ESP-DBL', seeded + 3 * 5 - accepted.size, 60_000)
  })
})
