import { randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { endpointsFile, readEndpoints } from '../../packages/fleet/src/endpoints.js'
import { call, eventually, storefront } from '../support/fleet.js'
import { type TraceSpan, jaegerServices, jaegerTrace } from '../support/jaeger.js'
import { waitSettled } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'eu-central-1' as const

/**
 * `fleet up --observe`: every service sends its spans to the fleet's own Jaeger. A card sale
 * made in Frankfurt is found there, by the trace id the terminal sent, as ONE trace from the
 * terminal's request through the commit at the writer to payments-worker's capture — read
 * through Jaeger's HTTP API, the one its page uses.
 */
describe('fleet up --observe', () => {
  const fleet = readEndpoints(endpointsFile)
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('publishes Jaeger and Prometheus in endpoints.json, with every service scraped', async () => {
    expect(fleet.observability).toBeDefined()
    // Every service of every region is scraped (a worker target is down where no worker runs).
    const expected = [
      ...Object.entries(fleet.regions).flatMap(([r, e]) => [`storefront@${r}`, `inventory-delta@${r}`, ...(e.paymentsWorker ? [`payments-worker@${r}`] : [])]),
      'payment-gateway-sandbox@-',
    ]
    let healthy: string[] = []
    await eventually(async () => {
      const r = await call(`${fleet.observability!.prometheus}/api/v1/targets?state=active`)
      const active = r.body.data.activeTargets as Array<{ labels: Record<string, string>; health: string }>
      healthy = active.filter((a) => a.health === 'up').map((a) => `${a.labels.service}@${a.labels.region ?? '-'}`)
      return expected.every((e) => healthy.includes(e))
    }, 30_000, 'Prometheus scraping every service').catch(() => undefined)
    expect(healthy.sort()).toEqual(expected.sort())
    // And what it scraped is the services' own metrics, not only target_info.
    const q = await call(`${fleet.observability!.prometheus}/api/v1/query?query=${encodeURIComponent('pos_write_path_breaker_open{region="eu-central-1",service="storefront"}')}`)
    expect(q.body.data.result).toHaveLength(1)
  })

  it('holds one trace spanning eu-central-1’s storefront, the sale’s commit at the writer and payments-worker’s capture', async () => {
    const traceId = randomBytes(16).toString('hex')
    const made = await call(`${storefront(region)}/v1/sales`, {
      apiKey: t.till(region).apiKey,
      body: t.sale(region, 1, { card: 'tok_visa' }),
      headers: { 'idempotency-key': randomUUID(), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    })
    expect(made.status).toBe(201)
    expect((await waitSettled(t.till(region), made.body.saleId)).payment.status).toBe('captured')

    const jaeger = fleet.observability!.jaeger
    const writePort = new URL(fleet.regions[region].db.write).port
    const inRegion = (s: TraceSpan, r: string) => s.attributes['cloud.region'] === r
    const parts = (spans: TraceSpan[]) => ({
      request: spans.find((s) => s.service === 'storefront' && inRegion(s, region) && s.attributes['http.route'] === '/v1/sales'),
      // The commit: one multi-statement transaction sent by Frankfurt's storefront down its write
      // path (the region's global proxy, whose upstream is the writer's primary).
      commit: spans.find((s) => s.service === 'storefront' && inRegion(s, region) && /insert into `sales`/i.test(String(s.attributes['db.query.text'] ?? ''))),
      capture: spans.find((s) => s.service === 'payments-worker' && s.operation === 'payment.capture'),
    })
    // Each process sends its spans in batches (every 5 s, on its own clock): wait for all three.
    let spans: TraceSpan[] = []
    await eventually(async () => {
      spans = await jaegerTrace(jaeger, traceId)
      return Object.values(parts(spans)).every(Boolean)
    }, 30_000, `trace ${traceId} in Jaeger`).catch(() => undefined)
    const { request, commit, capture } = parts(spans)
    const seen = spans.map((s) => `${s.service}@${String(s.attributes['cloud.region'])}: ${s.operation}`).join('; ')
    expect(request, `storefront eu-central-1 POST /v1/sales span among: ${seen}`).toBeDefined()
    expect(commit, `the sale's commit span among: ${seen}`).toBeDefined()
    expect(String(commit!.attributes['server.port'])).toBe(writePort)
    expect(capture, `payments-worker's capture span among: ${seen}`).toBeDefined()
    expect(inRegion(capture!, fleet.writer)).toBe(true)
    expect(await jaegerServices(jaeger)).toEqual(expect.arrayContaining(['storefront', 'payments-worker']))
  })
})
