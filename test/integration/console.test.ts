import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startConsole } from '../../packages/fleet/src/console/runtime.js'
import { setRegionLinks } from '../../packages/fleet/src/infra/toxiproxy.js'
import { launchChromium } from '../support/chromium.js'
import { fleet, postSale } from '../support/fleet.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'eu-central-1' as const
const link = `ap-southeast-1|${region}`
/** How long the page may take to show a change: a snapshot a second, the breaker's 2 s deadline, a scrape. */
const WAIT = { timeout: 15_000, interval: 100 }

/**
 * `fleet console` against the running fleet, in headless Debian Chromium: what the page draws
 * comes from server-sent snapshots of the real processes' /metrics and toxiproxy, and its
 * buttons act on the real WAN links.
 */
describe('fleet console in Chromium', () => {
  let browser: Browser
  let page: Page
  let consoleUrl: string
  let stop: () => Promise<unknown>
  let t: Tenant
  const external: string[] = []

  beforeAll(async () => {
    t = await seedTenant()
    // Port 0: any free port, so a console a user left open does not collide; loopback only.
    const running = await startConsole({ port: 0 })
    consoleUrl = running.url
    stop = running.stop
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    page.on('request', (r) => {
      if (!r.url().startsWith(consoleUrl)) external.push(r.url())
    })
    await page.goto(consoleUrl)
  })
  afterAll(async () => {
    await browser?.close()
    await stop?.()
  })

  const card = () => page.locator(`section[data-region="${region}"]`)
  const field = (name: string) => card().locator(`[data-field="${name}"]`)

  it('listens on 127.0.0.1 and shows the writer and every link up', async () => {
    expect(new URL(consoleUrl).hostname).toBe('127.0.0.1')
    await expect.poll(() => page.locator('[data-field="writer"]').textContent(), WAIT).toBe(fleet.writer)
    await expect.poll(() => page.locator('g[data-link]').evaluateAll((gs) => gs.map((g) => (g as SVGGElement).dataset.state)), WAIT).toEqual(['up', 'up', 'up'])
    await expect.poll(() => page.locator(`[data-node="${fleet.writer}"]`).getAttribute('data-writer'), WAIT).toBe('true')
  })

  it('draws eu-central-1’s link cut and its sales going provisional, then the backlog drained after the heal', async () => {
    onTestFinished(() => setRegionLinks(region, true))
    await page.getByRole('button', { name: `Cut ${region}'s WAN links` }).click()
    await expect.poll(() => page.locator(`g[data-link="${link}"]`).getAttribute('data-state'), WAIT).toBe('cut')
    await expect.poll(() => card().getAttribute('data-write-path'), WAIT).toBe('down')

    for (let i = 0; i < 3; i++) expect((await postSale(t.till(region), t.sale(region, 1))).status).toBe(202)
    await expect.poll(async () => Number(await field('backlog-sales').textContent()), WAIT).toBeGreaterThanOrEqual(3)
    await expect.poll(async () => Number(await field('provisional-rate').textContent()), WAIT).toBeGreaterThan(0)
    if (process.env.POS_CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.POS_CONSOLE_SCREENSHOT, fullPage: true })

    // By keyboard, as a user without a mouse would.
    await page.getByRole('button', { name: `Heal ${region}'s WAN links` }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#status').textContent(), WAIT).toContain(`healed every WAN link of ${region}`)
    await expect.poll(() => page.locator(`g[data-link="${link}"]`).getAttribute('data-state'), WAIT).toBe('up')
    await expect.poll(() => card().getAttribute('data-write-path'), WAIT).toBe('up')
    await expect.poll(async () => Number(await field('backlog-sales').textContent()), { timeout: 30_000 }).toBe(0)
  })

  it('refuses an unknown region with 400 problem+json, and made no request beyond itself', async () => {
    const res = await fetch(`${consoleUrl}/api/regions/mars-north-1/cut`, { method: 'POST' })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(external).toEqual([])
  })
})
