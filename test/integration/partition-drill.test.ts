import { describe, expect, it } from 'vitest'
import { runPartitionDrill } from '../../packages/fleet/src/drill/partition-drill.js'
import { fleet } from '../support/fleet.js'

describe('fleet drill partition', () => {
  it('cuts a reader region under load, heals, and loses and doubles nothing', async () => {
    const report = await runPartitionDrill(fleet, {
      region: 'us-east-1',
      partitionMs: 4_000,
      rate: 3,
      convergeTimeoutMs: 60_000,
      log: () => undefined,
    })
    expect(report.perRegion['us-east-1'].salesOffline).toBeGreaterThan(0)
    expect(report.perRegion['us-east-1'].restocksOffline).toBeGreaterThan(0)
    expect(report.perRegion['ap-southeast-1'].salesOffline).toBe(0)
    expect(report.lost).toBe(0)
    expect(report.duplicated).toBe(0)
    expect(report.paymentsCapturedOnce).toBe(true)
    expect(report.stockConverged).toBe(true)
    expect(report.ok).toBe(true)
  }, 120_000)
})
