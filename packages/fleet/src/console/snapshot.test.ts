import { describe, expect, it } from 'vitest'
import { wanLinks } from '@pos-fleet/topology'
import { parsePrometheusText } from '../observe/prometheus-text.js'
import { histogramQuantile, linkViews, regionView } from './snapshot.js'

const hist = (counts: Record<string, number>) =>
  parsePrometheusText(
    Object.entries(counts)
      .map(([le, n]) => `http_server_request_duration_bucket{http_route="/v1/sales",http_request_method="POST",http_response_status_code="201",le="${le}"} ${n}`)
      .join('\n'),
  )

describe('console snapshot', () => {
  it('marks a region pair cut when every proxy between them is disabled, partial when some are', () => {
    const states = wanLinks().map((link) => ({ link, enabled: !(link.from === 'eu-central-1' || link.to === 'eu-central-1'), latencyMs: { upstream: 80, downstream: 80 } }))
    const views = linkViews(states, 1)
    expect(views.find((v) => v.id === 'ap-southeast-1|eu-central-1')).toMatchObject({ state: 'cut', rttMs: 160 })
    expect(views.find((v) => v.id === 'ap-southeast-1|us-east-1')).toMatchObject({ state: 'up', rttMs: 220, emulatedRttMs: 160 })
    const one = wanLinks().find((l) => l.from === 'us-east-1' && l.to === 'ap-southeast-1')!
    const partial = linkViews(wanLinks().map((link) => ({ link, enabled: link.name !== one.name, latencyMs: { upstream: 0, downstream: 0 } })), 1)
    expect(partial.find((v) => v.id === 'ap-southeast-1|us-east-1')!.state).toBe('partial')
  })

  it('takes p99 over the window from the difference of two cumulative histograms', () => {
    const before = hist({ '0.1': 90, '0.25': 100, '0.5': 100, '+Inf': 100 })
    const after = hist({ '0.1': 90, '0.25': 150, '0.5': 150, '+Inf': 200 })
    // 100 new observations: 50 in (0.1, 0.25], 50 above 0.5 — p99 lies past the last finite bound.
    expect(histogramQuantile(before, after, 'http_server_request_duration', {}, 0.5)).toBe(0.25)
    expect(histogramQuantile(before, after, 'http_server_request_duration', {}, 0.99)).toBeNull()
    expect(histogramQuantile(after, after, 'http_server_request_duration', {}, 0.99)).toBeNull()
  })

  it('reads a region’s breaker, lag, backlog and sales rate from its services’ metrics', () => {
    const start = parsePrometheusText('http_server_request_duration_count{http_route="/v1/sales",http_request_method="POST",http_response_status_code="202"} 4')
    const now = parsePrometheusText(
      [
        'pos_write_path_breaker_open 1',
        'pos_write_path_breaker_open_seconds 3.5',
        'pos_replication_lag_seconds 2.25',
        'pos_store_and_forward_backlog{topic="pos.sales.pending"} 7',
        'http_server_request_duration_count{http_route="/v1/sales",http_request_method="POST",http_response_status_code="202"} 24',
      ].join('\n'),
    )
    const v = regionView('eu-central-1', 'ap-southeast-1', { storefront: now, windowStart: { atMs: 0, samples: start }, now: 10_000 })
    expect(v).toMatchObject({ role: 'reader', writePathUp: false, breakerOpenS: 3.5, replicationLagMs: 2250, backlog: { sales: 7, deltas: null }, provisionalPerS: 2, salesPerS: 0 })
  })
})
