import { describe, expect, it } from 'vitest'
import { parsePrometheusText, sumOf } from './prometheus-text.js'

const EXPOSITION = `# HELP target_info Target metadata
# TYPE target_info gauge
target_info{service_name="storefront",cloud_region="eu-central-1"} 1
# HELP http_server_request_duration Duration of HTTP server requests.
# UNIT http_server_request_duration s
# TYPE http_server_request_duration histogram
http_server_request_duration_count{http_route="/v1/sales",http_response_status_code="201"} 3
http_server_request_duration_sum{http_route="/v1/sales",http_response_status_code="201"} 0.51
http_server_request_duration_bucket{http_route="/v1/sales",http_response_status_code="201",le="0.25"} 2
http_server_request_duration_bucket{http_route="/v1/sales",http_response_status_code="201",le="+Inf"} 3
http_server_request_duration_count{http_route="/v1/sales",http_response_status_code="202"} 1
pos_odd{note="a \\"quoted\\", \\\\ back\\nslash"} 7 1700000000000
pos_bare 2.5e-3
`

describe('parsePrometheusText', () => {
  it('reads names, labels and values, skipping comments', () => {
    const s = parsePrometheusText(EXPOSITION)
    expect(s).toHaveLength(8)
    expect(s[0]).toEqual({ name: 'target_info', labels: { service_name: 'storefront', cloud_region: 'eu-central-1' }, value: 1 })
    expect(s[4]).toMatchObject({ labels: { le: '+Inf' }, value: 3 })
    expect(parsePrometheusText('pos_up +Inf')[0]!.value).toBe(Number.POSITIVE_INFINITY)
    expect(s[6]).toEqual({ name: 'pos_odd', labels: { note: 'a "quoted", \\ back\nslash' }, value: 7 })
    expect(s[7]).toEqual({ name: 'pos_bare', labels: {}, value: 0.0025 })
  })

  it('names a line that is not a sample', () => {
    expect(() => parsePrometheusText('pos_ok 1\nthis is not { a sample\n')).toThrow(/this is not \{ a sample/)
  })
})

describe('sumOf', () => {
  const s = parsePrometheusText(EXPOSITION)
  it('sums the samples whose labels include the ones asked for', () => {
    expect(sumOf(s, 'http_server_request_duration_count', { http_route: '/v1/sales' })).toBe(4)
    expect(sumOf(s, 'http_server_request_duration_count', { http_response_status_code: '202' })).toBe(1)
  })
  it('is undefined when no sample matches', () => {
    expect(sumOf(s, 'http_server_request_duration_count', { http_route: '/v1/other' })).toBeUndefined()
    expect(sumOf(s, 'pos_absent')).toBeUndefined()
  })
})
