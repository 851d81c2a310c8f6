import { describe, expect, it } from 'vitest'
import { parseWrk } from './wrk.js'

const OK = `Running 10s test @ http://127.0.0.1:18110/v1/catalog/items
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.69ms    2.56ms  52.21ms   88.14%
    Req/Sec     2.88k   328.00     3.18k    59.00%
  28261 requests in 10.01s, 13.66MB read
Requests/sec:   2868.22
Transfer/sec:      1.36MB
`

describe('parseWrk', () => {
  it('reads the request count, the time and the rate', () => {
    expect(parseWrk(OK)).toEqual({ requests: 28261, seconds: 10.01, requestsPerSecond: 2868.22, errors: 0 })
  })

  it('counts non-2xx answers and socket errors as errors', () => {
    const out = OK.replace('Requests/sec', '  Socket errors: connect 0, read 3, write 1, timeout 2\n  Non-2xx or 3xx responses: 7\nRequests/sec')
    expect(parseWrk(out).errors).toBe(13)
  })

  it('converts a run reported in milliseconds', () => {
    expect(parseWrk(OK.replace('in 10.01s', 'in 950.00ms')).seconds).toBeCloseTo(0.95)
  })

  it('refuses output it cannot read', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:18199 Connection refused')).toThrow(/unexpected wrk output/)
  })
})
