import { describe, expect, it } from 'vitest'
import { createLatencyRecorder, percentile, weightedCycle } from './stats.js'

describe('latency recorder', () => {
  it('reports percentiles of recorded latencies within HDR precision', () => {
    const r = createLatencyRecorder()
    for (let i = 1; i <= 1000; i++) r.record(i / 10)
    const s = r.summary()
    expect(s.count).toBe(1000)
    expect(s.p50).toBeCloseTo(50, 0)
    expect(s.p99).toBeCloseTo(99, 0)
    expect(s.max).toBeCloseTo(100, 0)
    expect(r.cdf().at(-1)).toEqual([expect.closeTo(100, 0), 1])
  })
})

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3)
    expect(percentile([], 99)).toBe(0)
  })
})

describe('weightedCycle', () => {
  it('yields each operation in proportion to its weight', () => {
    const next = weightedCycle({ a: 3, b: 1, c: 0 })
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 }
    for (let i = 0; i < 400; i++) counts[next()]!++
    expect(counts).toEqual({ a: 300, b: 100, c: 0 })
  })
})
