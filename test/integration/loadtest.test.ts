import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadtestToReport } from '../../packages/fleet/src/loadtest/command.js'
import { OPERATIONS, type LoadtestReport } from '../../packages/fleet/src/loadtest/report-schema.js'
import { DEFAULT_MIX } from '../../packages/fleet/src/loadtest/runner.js'
import { inspectReport, launchChromium } from '../support/chromium.js'
import { fleet } from '../support/fleet.js'

/** A short run: it must complete without errors and produce a complete report — no timing assertions. */
describe('fleet loadtest', () => {
  it('runs the POS mix in every region and writes a complete report.json and report.html', async () => {
    const out = mkdtempSync(join(tmpdir(), 'loadtest-'))
    const { report, dir } = await loadtestToReport(fleet, { durationS: 5, warmupS: 2, ratePerRegion: 20, mix: DEFAULT_MIX, baselineS: 2 }, out)
    expect(report.problems).toEqual([])
    const saved = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as LoadtestReport
    expect(Object.keys(saved.regions).sort()).toEqual(Object.keys(fleet.regions).sort())
    for (const [region, rr] of Object.entries(saved.regions)) {
      // Open loop: exactly rate × duration requests were scheduled in the measured window
      // (warm-up excluded), and every one completed.
      const total = OPERATIONS.reduce((sum, op) => sum + rr.operations[op].count, 0)
      expect(total, region).toBe(5 * 20)
      for (const op of OPERATIONS) {
        expect(rr.operations[op].count, `${region} ${op}`).toBeGreaterThan(0)
        expect(rr.operations[op].errors, `${region} ${op}`).toEqual({})
        expect(rr.operations[op].cdf.length).toBeGreaterThan(0)
      }
      expect(rr.timeline.length).toBeGreaterThan(0)
      expect(rr.processes.map((p) => p.name)).toContain(`storefront-${region}`)
      if (rr.role === 'reader') expect(rr.replicationLagMs!.samples).toBeGreaterThan(0)
    }
    expect(saved.baseline!.errors).toEqual({ bare: 0, platform: 0 })
    expect(saved.baseline!.bare.count).toBeGreaterThan(0)
    expect(saved.baseline!.platform.count).toBeGreaterThan(0)
    // The run's own report.html, as headless Chromium draws it from disk.
    const browser = await launchChromium()
    try {
      const page = await inspectReport(browser, pathToFileURL(join(dir, 'report.html')).href)
      expect(page.externalRequests).toEqual([])
      expect(page.alert).toBeNull()
      const drawn = Object.fromEntries(page.charts.map((c) => [c.id, c.drawnSeries.sort()]))
      const regions = Object.keys(fleet.regions).sort()
      for (const region of regions) expect(drawn[`latency-cdf-${region}`], region).toEqual([...OPERATIONS].sort())
      expect(drawn['throughput-over-time']).toEqual(regions)
      expect(drawn['lag-over-time']).toEqual(regions.filter((r) => r !== fleet.writer))
    } finally {
      await browser.close()
    }
  }, 90_000)
})
