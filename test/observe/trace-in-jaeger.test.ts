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
    // Spans leave each process in batches (every 5 s): wait until the worker's have arrived too.
    const spans = await eventually(async () => {
      const s = await jaegerTrace(jaeger, traceId)
      return s.some((x) => x.service === 'payments-worker' && x.operation === 'payment.capture') ? s : undefined
    }, 30_000, `trace ${traceId} with payments-worker's capture in Jaeger`)

    const inRegion = (s: TraceSpan, r: string) => s.attributes['cloud.region'] === r
    const request = spans.find((s) => s.service === 'storefront' && inRegion(s, region) && s.attributes['http.route'] === '/v1/sales')
    expect(request, 'storefront eu-central-1 POST /v1/sales span').toBeDefined()

    // The commit: one multi-statement transaction sent by Frankfurt's storefront down its write
    // path (the region's global proxy, whose upstream is the writer's primary).
    const writePort = new URL(fleet.regions[region].db.write).port
    const commit = spans.find(
      (s) => s.service === 'storefront' && inRegion(s, region) && /insert into `sales`/i.test(String(s.attributes['db.query.text'] ?? '')),
    )
    expect(commit, 'the sale commit span').toBeDefined()
    expect(String(commit!.attributes['server.port'])).toBe(writePort)

    const capture = spans.find((s) => s.service === 'payments-worker' && s.operation === 'payment.capture')!
    expect(inRegion(capture, fleet.writer)).toBe(true)
    expect(spans.some((s) => s.service === 'payment-gateway-sandbox')).toBe(true)
    expect(await jaegerServices(jaeger)).toEqual(expect.arrayContaining(['storefront', 'inventory-delta', 'payments-worker', 'payment-gateway-sandbox']))
  })
})
