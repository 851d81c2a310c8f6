import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { cutRegion, fleetService, healRegion, kill, regionKafka } from '../support/faults.js'
import { eventually, postSale } from '../support/fleet.js'
import { expectSalesExactly, tenantRows, waitSettled } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

const region = 'eu-central-1' as const

/** Sells `n` sales (cash and card alternately) while the region is cut off; returns key → accepted sale id. */
async function queueSales(t: Tenant, n: number): Promise<Map<string, string>> {
  const accepted = new Map<string, string>()
  for (let i = 0; i < n; i++) {
    const key = randomUUID()
    const r = await postSale(t.till(region), t.sale(region, 1, i % 2 ? {} : { card: 'tok_visa' }), key)
    expect(r.status).toBe(202)
    accepted.set(key, r.body.saleId)
  }
  return accepted
}

async function settled(t: Tenant, accepted: Map<string, string>): Promise<void> {
  for (const saleId of accepted.values()) await waitSettled(t.till(region), saleId, 60_000)
  await expectSalesExactly(t, accepted)
}

describe('faults while sales are queued', () => {
  let brokerKilled: Tenant
  let reconcilerKilled: Tenant
  beforeAll(async () => {
    ;[brokerKilled, reconcilerKilled] = await seedTenants({}, {})
  })

  it('loses nothing when the region’s Kafka broker is killed and restarted', async () => {
    await cutRegion(region)
    const accepted = await queueSales(brokerKilled, 8)
    const restartBroker = await kill(regionKafka(region))
    await restartBroker()
    await healRegion(region)
    await settled(brokerKilled, accepted)
  })

  it('duplicates nothing when the reconciler is killed in the middle of a replay', async () => {
    // Batches of two, so the replay takes several WAN round trips and the kill lands between them.
    const restartStorefront = await kill(fleetService(`storefront-${region}`))
    const smallBatches = fleetService(`storefront-${region}`, { REPLAY_BATCH_SIZE: '2' })
    await smallBatches.start()
    await cutRegion(region)
    const accepted = await queueSales(reconcilerKilled, 16)
    await healRegion(region)
    await eventually(async () => (await tenantRows(reconcilerKilled)).sales > 0, 20_000, 'replay under way')
    await kill(smallBatches)
    expect((await tenantRows(reconcilerKilled)).sales).toBeLessThan(accepted.size)
    await restartStorefront()
    await settled(reconcilerKilled, accepted)
  })
})
