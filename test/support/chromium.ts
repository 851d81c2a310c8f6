import { type Browser, chromium } from 'playwright-core'

/**
 * Debian's Chromium (scripts/bootstrap.sh installs it); playwright's own browser download
 * does not work on these machines. CHROMIUM_PATH points elsewhere if needed.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] })
}

export interface DrawnChart {
  id: string
  /** Rendered size of the SVG on the page. */
  width: number
  height: number
  /** Series paths with a real, non-degenerate geometry (getBBox measured by the browser). */
  drawnSeries: string[]
}

/**
 * Opens a report page from disk and measures what the browser actually drew: every
 * `svg[data-chart]` and the line paths inside it. Also collects any request the page tried
 * to make beyond its own file, and console errors (e.g. CSP violations).
 */
export async function inspectReport(browser: Browser, fileUrl: string): Promise<{ charts: DrawnChart[]; externalRequests: string[]; consoleErrors: string[]; title: string; alert: string | null }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const externalRequests: string[] = []
  const consoleErrors: string[] = []
  page.on('request', (r) => {
    if (r.url() !== fileUrl) externalRequests.push(r.url())
  })
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  try {
    await page.goto(fileUrl, { waitUntil: 'load' })
    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const rect = svg.getBoundingClientRect()
        const drawnSeries = [...svg.querySelectorAll<SVGPathElement>('path[data-series]')]
          .filter((p) => {
            const box = p.getBBox()
            return p.getTotalLength() > 0 && (box.width > 0 || box.height > 0)
          })
          .map((p) => p.dataset.series ?? '')
        return { id: svg.dataset.chart ?? '', width: rect.width, height: rect.height, drawnSeries }
      }),
    )
    const alert = await page.$eval('[role=alert]', (e) => e.textContent).catch(() => null)
    return { charts, externalRequests, consoleErrors, title: await page.title(), alert }
  } finally {
    await page.close()
  }
}
