import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogItem } from '@pos-fleet/topology'
import { startBareServer } from '../../packages/fleet/src/loadtest/bare-server-process.js'
import { saturationToFile } from '../../packages/fleet/src/loadtest/command.js'
import { SATURATED_READS, type SaturationReport } from '../../packages/fleet/src/saturation/saturate.js'
import { fleet } from '../support/fleet.js'

const region = 'eu-central-1' as const

/** A short run, for its shape and its honesty: the figures themselves go to docs/loadtest/, not to assertions. */
describe('fleet bench --saturate', () => {
  it('measures both reads on the platform and on the bare handler, with CPU per read and an open loop at 80 %', async () => {
    const out = mkdtempSync(join(tmpdir(), 'saturation-'))
    const { report, file } = await saturationToFile(fleet, { regions: [region], durationS: 2, warmupS: 0, connections: 4 }, out)
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SaturationReport
    expect(saved).toEqual(report)
    expect(Object.keys(saved.regions)).toEqual([region])
    expect(saved.tool).toMatch(/^wrk/)
    for (const read of SATURATED_READS) {
      const r = saved.regions[region]![read]
      expect(r.platform.process).toBe(read === 'catalog' ? `storefront-${region}` : `inventory-delta-${region}`)
      for (const side of [r.platform, r.bare]) {
        expect(side.closedLoop.errors, `${read} ${side.process}`).toBe(0)
        expect(side.closedLoop.requests).toBeGreaterThan(0)
        expect(side.closedLoop.cpuMsPer1000).toBeGreaterThan(0)
        expect(side.closedLoop.dbCpuMsPer1000).toBeGreaterThan(0)
        // Open loop: exactly rate × duration requests scheduled at 80 % of the ceiling, every one answered.
        expect(side.openLoop.rate).toBe(Math.floor(side.closedLoop.requestsPerSecond * 0.8))
        expect(side.openLoop.count + side.openLoop.errors).toBe(side.openLoop.rate * 2)
        expect(side.openLoop.errors).toBe(0)
      }
      expect(r.throughputRatio).toBeCloseTo(r.platform.closedLoop.requestsPerSecond / r.bare.closedLoop.requestsPerSecond, 1)
    }
  })

  it('compares like with like: the bare handler answers the same catalog page and the same stock as the platform', async () => {
    const terminal = fleet.terminals.find((t) => t.region === region && t.merchantId === 'mer_harbour')!
    const sku = catalogItem('mer_harbour', 'ESP-DBL').sku
    const bare = await startBareServer(fleet.regions[region].db.read, terminal.merchantId)
    try {
      const get = async (url: string, auth: boolean) => (await fetch(url, auth ? { headers: { authorization: `Bearer ${terminal.apiKey}` } } : {})).json()
      const stockPath = `/v1/inventory/${terminal.storeId}/${sku}`
      const [platformCatalog, bareCatalog, platformStock, bareStock] = await Promise.all([
        get(`${fleet.regions[region].storefront}/v1/catalog/items`, true),
        get(`http://127.0.0.1:${bare.port}/v1/catalog/items`, false),
        get(`${fleet.regions[region].inventoryDelta}${stockPath}`, true),
        get(`http://127.0.0.1:${bare.port}${stockPath}`, false),
      ])
      expect(bareCatalog).toEqual(platformCatalog)
      expect(bareStock.onHand).toBe(platformStock.onHand)
    } finally {
      await bare.stop()
    }
  })
})
