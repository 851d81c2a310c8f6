import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderReportHtml } from '../../packages/fleet/src/loadtest/report-html.js'
import { OPERATIONS, type LoadtestReport } from '../../packages/fleet/src/loadtest/report-schema.js'
import { sampleReport } from '../../packages/fleet/src/loadtest/sample-report.js'
import { inspectReport, launchChromium } from '../support/chromium.js'

/** The report page as a browser sees it, opened offline from a file in headless Chromium. */
describe('load-test report page in Chromium', () => {
  let browser: Browser
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'))
  const open = (name: string, report: LoadtestReport) => {
    const file = join(dir, `${name}.html`)
    writeFileSync(file, renderReportHtml(report))
    return inspectReport(browser, pathToFileURL(file).href)
  }

  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('draws a latency CDF per region with a line per operation, lag and throughput over time', async () => {
    const report = sampleReport()
    const page = await open('sample', report)
    const byId = new Map(page.charts.map((c) => [c.id, c]))
    expect([...byId.keys()].sort()).toEqual([...Object.keys(report.regions).map((r) => `latency-cdf-${r}`), 'lag-over-time', 'throughput-over-time'].sort())
    for (const chart of page.charts) {
      expect(chart.width, chart.id).toBeGreaterThan(200)
      expect(chart.height, chart.id).toBeGreaterThan(80)
    }
    for (const region of Object.keys(report.regions)) expect(byId.get(`latency-cdf-${region}`)!.drawnSeries.sort()).toEqual([...OPERATIONS].sort())
    // Lag exists only where there is a replica: the readers.
    const readers = Object.entries(report.regions).filter(([, r]) => r.role === 'reader').map(([id]) => id)
    expect(byId.get('lag-over-time')!.drawnSeries.sort()).toEqual(readers.sort())
    expect(byId.get('throughput-over-time')!.drawnSeries.sort()).toEqual(Object.keys(report.regions).sort())
    expect(page.alert).toBeNull()
  })

  it('opens offline: the page fetches nothing and logs no error', async () => {
    const page = await open('offline', sampleReport())
    expect(page.externalRequests).toEqual([])
    expect(page.consoleErrors).toEqual([])
    expect(page.title).toContain('pos-fleet load test')
  })

  it('puts a run with problems behind a visible alert', async () => {
    const report = { ...sampleReport(), problems: ['us-east-1: 3 checkout errors ({"503":3})'] }
    const page = await open('problems', report)
    expect(page.alert).toContain('1 problem')
    expect(page.alert).toContain('us-east-1: 3 checkout errors')
  })

  it('escapes text from the report, so a hostile value cannot inject markup', async () => {
    const report = { ...sampleReport(), problems: ['<img src=x onerror=alert(1)>'] }
    const page = await open('escape', report)
    expect(page.alert).toContain('<img src=x onerror=alert(1)>')
    expect(page.externalRequests).toEqual([])
  })
})
