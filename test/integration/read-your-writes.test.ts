import { beforeAll, describe, expect, it } from 'vitest'
import { stopReplicaApplier } from '../support/faults.js'
import { postSale } from '../support/fleet.js'
import { getSale, readStock } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'eu-central-1' as const
/** SESSION_WAIT_MS the fleet runs with (the services' default). */
const SESSION_WAIT_MS = 1_000

describe('read-your-writes when the local replica cannot catch up in time', () => {
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('waits SESSION_WAIT_MS for the replica, then reads the sale and its stock from the write path', async () => {
    await stopReplicaApplier(region)
    const made = await postSale(t.till(region), t.sale(region, 3))
    expect(made.status).toBe(201)

    const read = await getSale(t.till(region), made.body.saleId, made.body.sessionToken)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ saleId: made.body.saleId, readFrom: 'write-path' })
    // It did wait (the replica was given its chance), and not much longer than that.
    expect(read.ms).toBeGreaterThanOrEqual(SESSION_WAIT_MS)
    expect(read.ms).toBeLessThan(SESSION_WAIT_MS + 2_000)

    const stock = await readStock(t, region, 'ESP-DBL', { sessionToken: made.body.sessionToken })
    expect(stock).toMatchObject({ onHand: 1_000 - 3, readFrom: 'write-path' })
    // Without the token the read stays local, and the replica has not applied the sale.
    expect((await getSale(t.till(region), made.body.saleId)).status).toBe(404)
  })
})
