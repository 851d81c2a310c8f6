import { describe, expect, it } from 'vitest'
import { rttMs } from '@pos-fleet/topology'
import { call, cashSale, eventually, fleet, median, postSale, storefront, terminal } from '../support/fleet.js'

const reader = 'eu-central-1' as const

describe('the emulated WAN is in the write path, not in the read path', () => {
  it('a write from a reader region takes at least one emulated RTT to the writer; a local read does not', async () => {
    const rtt = rttMs(reader, fleet.writer) * fleet.wanScale
    const writes: number[] = []
    const reads: number[] = []
    for (let i = 0; i < 5; i++) {
      const w = await postSale(reader, cashSale(reader))
      expect(w.status).toBe(201)
      writes.push(w.ms)
      const r = await call(`${storefront(reader)}/v1/catalog/items`, { apiKey: terminal(reader).apiKey })
      expect(r.status).toBe(200)
      reads.push(r.ms)
    }
    // Physics, not performance: a commit cannot beat the round trip to the writer.
    expect(Math.min(...writes)).toBeGreaterThanOrEqual(rtt)
    // A local read never crosses the link: well under even one one-way delay.
    expect(median(reads)).toBeLessThan(rtt / 2)
  })
})

describe('replication lag', () => {
  it('is measured in every region and shown in /readyz', async () => {
    for (const region of Object.keys(fleet.regions) as Array<keyof typeof fleet.regions>) {
      const r = await eventually(async () => {
        const res = await call(`${storefront(region)}/readyz`)
        return typeof res.body.replicationLagMs === 'number' ? res : undefined
      }, 10_000, `lag in ${region}`)
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({ region, role: fleet.regions[region].role, ready: true })
      expect(r.body.replicationLagMs).toBeGreaterThanOrEqual(0)
      expect(r.body.replicationLagMs).toBeLessThan(10_000)
    }
  })
})
