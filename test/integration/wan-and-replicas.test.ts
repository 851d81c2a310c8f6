import { beforeAll, describe, expect, it } from 'vitest'
import { rttMs } from '@pos-fleet/topology'
import { eventually, fleet, median, postSale, readiness, regionIds } from '../support/fleet.js'
import { listCatalog } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const reader = 'eu-central-1' as const

describe('the emulated WAN is in the write path, not in the read path', () => {
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('a sale from a reader region takes one emulated RTT to the writer — not less, and not two; a local read takes none', async () => {
    const rtt = rttMs(reader, fleet.writer) * fleet.wanScale
    const till = t.till(reader)
    // Warm the pool: a new write connection's handshakes cross the WAN a few times.
    expect((await postSale(till, t.sale(reader))).status).toBe(201)
    const writes: number[] = []
    const reads: number[] = []
    for (let i = 0; i < 5; i++) {
      const w = await postSale(till, t.sale(reader))
      expect(w.status).toBe(201)
      writes.push(w.ms)
      const r = await listCatalog(till)
      expect(r.status).toBe(200)
      reads.push(r.ms)
    }
    // Physics, not performance: a commit cannot beat the round trip to the writer...
    expect(Math.min(...writes)).toBeGreaterThanOrEqual(rtt)
    // ...and the sale's five statements travel as one packet: a round trip per statement
    // would take five. Whole RTTs, so the bound holds on a loaded machine.
    expect(median(writes)).toBeLessThan(2 * rtt)
    // A local read never crosses the link: well under even one one-way delay.
    expect(median(reads)).toBeLessThan(rtt / 2)
  })
})

describe('replication lag', () => {
  it('is measured in every region and shown in /readyz', async () => {
    for (const region of regionIds) {
      const r = await eventually(async () => {
        const res = await readiness(region)
        return typeof res.body.replicationLagMs === 'number' ? res : undefined
      }, 10_000, `lag in ${region}`)
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({ region, role: fleet.regions[region].role, ready: true })
      expect(r.body.replicationLagMs).toBeGreaterThanOrEqual(0)
      expect(r.body.replicationLagMs).toBeLessThan(10_000)
    }
  })
})
