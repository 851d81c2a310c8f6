import { describe, expect, it } from 'vitest'
import { summarize } from './bench.js'

describe('summarize', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(summarize(samples, 2)).toEqual({ count: 100, errors: 2, p50: 50, p90: 90, p99: 99, max: 100 })
  })
})
