import { beforeAll, describe, expect, it } from 'vitest'
import { topology } from '@pos-fleet/topology'
import { endpointsFile, readEndpoints } from '../../packages/fleet/src/endpoints.js'
import { cutRegion, healRegion, waitWritePath } from '../support/faults.js'
import { eventually, postSale } from '../support/fleet.js'
import { scrape } from '../support/metrics.js'
import { waitSettled } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'eu-central-1' as const
const pendingSales = topology.kafka.topics.pendingSales

/**
 * Reads `/metrics` of the fleet's own processes (started by the global setup with the
 * telemetry preload, as `fleet up` runs them) — not an in-process app — before and after
 * real traffic, so a metric that the running process does not export, or that does not
 * move, fails here.
 */
describe('metrics of the running fleet', () => {
  // The writer is runtime state (a failover may have moved it): read it now, not at import.
  const fleet = readEndpoints(endpointsFile)
  const eu = fleet.regions[region]
  const worker = fleet.regions[fleet.writer].paymentsWorker!
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('moves the HTTP, commit-latency and payment-outcome metrics with a captured card sale', async () => {
    const captured = { outcome: 'captured' }
    const sales201 = { http_route: '/v1/sales', http_request_method: 'POST', http_response_status_code: '201' }
    const before = { sf: await scrape(eu.storefront), worker: await scrape(worker) }

    const made = await postSale(t.till(region), t.sale(region, 1, { card: 'tok_visa' }))
    expect(made.status).toBe(201)
    expect((await waitSettled(t.till(region), made.body.saleId)).payment.status).toBe('captured')

    const sf = await scrape(eu.storefront)
    expect(sf.must('http_server_request_duration_count', sales201)).toBeGreaterThan(before.sf.value('http_server_request_duration_count', sales201) ?? 0)
    expect(sf.must('pos_write_path_commit_duration_seconds_count', { operation: 'sale', outcome: 'committed' })).toBeGreaterThan(
      before.sf.value('pos_write_path_commit_duration_seconds_count', { operation: 'sale', outcome: 'committed' }) ?? 0,
    )
    // Across the emulated 160 ms RTT, a Frankfurt commit cannot land in the lowest buckets.
    expect(sf.must('pos_write_path_commit_duration_seconds_bucket', { operation: 'sale', outcome: 'committed', le: '0.01' })).toBe(
      before.sf.value('pos_write_path_commit_duration_seconds_bucket', { operation: 'sale', outcome: 'committed', le: '0.01' }) ?? 0,
    )

    // The sale's payment is captured (read back above), so the worker has counted it already.
    const w = await scrape(worker)
    expect(w.must('pos_payment_outcomes_total', captured)).toBeGreaterThan(before.worker.value('pos_payment_outcomes_total', captured) ?? 0)
    expect(w.must('pos_payment_capture_lag_seconds_count', captured)).toBeGreaterThan(before.worker.value('pos_payment_capture_lag_seconds_count', captured) ?? 0)
    expect(w.must('pos_outbox_backlog')).toBeGreaterThanOrEqual(0)
    expect(w.must('pos_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0)
  })

  it('reports breaker, replication lag, queue backlogs and oversold SKUs from every regional service', async () => {
    for (const r of Object.values(fleet.regions)) {
      for (const url of [r.storefront, r.inventoryDelta, ...(r.paymentsWorker ? [r.paymentsWorker] : [])]) {
        const m = await eventually(async () => {
          const s = await scrape(url)
          return s.value('pos_replication_lag_seconds') !== undefined ? s : undefined
        }, 10_000, `${url} reporting replication lag`)
        expect(m.must('pos_write_path_breaker_open')).toBe(0)
        expect(m.must('pos_replication_lag_seconds')).toBeGreaterThanOrEqual(0)
      }
      expect((await scrape(r.storefront)).must('pos_store_and_forward_backlog', { topic: pendingSales })).toBeGreaterThanOrEqual(0)
      const inv = await scrape(r.inventoryDelta)
      expect(inv.must('pos_store_and_forward_backlog', { topic: topology.kafka.topics.pendingDeltas })).toBeGreaterThanOrEqual(0)
      expect(inv.must('pos_inventory_oversold_skus')).toBeGreaterThanOrEqual(0)
    }
  })

  it('shows a cut region’s breaker open and its queued sales as backlog, then the backlog drained after the heal', async () => {
    await cutRegion(region)
    await waitWritePath(region, false)
    const queued = await postSale(t.till(region), t.sale(region, 1))
    expect(queued.status).toBe(202)

    const during = await scrape(eu.storefront)
    expect(during.must('pos_write_path_breaker_open')).toBe(1)
    expect(during.must('pos_write_path_breaker_open_seconds')).toBeGreaterThan(0)
    expect(during.must('pos_store_and_forward_backlog', { topic: pendingSales })).toBeGreaterThanOrEqual(1)
    expect(during.must('http_server_request_duration_count', { http_route: '/v1/sales', http_response_status_code: '202' })).toBeGreaterThanOrEqual(1)

    await healRegion(region)
    const after = await eventually(async () => {
      const s = await scrape(eu.storefront)
      return s.value('pos_store_and_forward_backlog', { topic: pendingSales }) === 0 && s.value('pos_write_path_breaker_open') === 0 ? s : undefined
    }, 30_000, `${region}'s sale backlog drained`)
    expect(after.must('pos_sales_reconciled_total', { outcome: 'applied' })).toBeGreaterThanOrEqual(1)
  })
})
