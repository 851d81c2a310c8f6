import { describe, expect, it } from 'vitest'
import { formatMs, formatPercent } from './html-format.js'
import { cpuDuring } from './process-stats.js'
import { lineChart } from './svg-charts.js'

const pathsOf = (svg: string) => [...svg.matchAll(/<path data-series="([^"]+)" d="([^"]+)"/g)].map((m) => ({ name: m[1], d: m[2] }))

describe('lineChart', () => {
  const spec = { id: 'c', title: 'T', xLabel: 'x', yLabel: 'y' }

  it('draws one path per series with a point per datum, inside the plot area', () => {
    const svg = lineChart({ ...spec, series: [{ name: 'a', color: '#000', points: [[0, 0], [5, 10], [10, 5]] }] })
    const [path] = pathsOf(svg)
    expect(path?.name).toBe('a')
    const coords = [...path!.d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])])
    expect(coords).toHaveLength(3)
    for (const [x, y] of coords) {
      expect(x).toBeGreaterThanOrEqual(62)
      expect(x).toBeLessThanOrEqual(640 - 150)
      expect(y).toBeGreaterThanOrEqual(14)
      expect(y).toBeLessThanOrEqual(280 - 46)
    }
    // Higher values sit higher on the page (smaller y).
    expect(coords[1]![1]).toBeLessThan(coords[2]![1])
  })

  it('puts whole decades on a log axis', () => {
    const svg = lineChart({ ...spec, xScale: 'log', series: [{ name: 'a', color: '#000', points: [[0.5, 0], [300, 1]] }] })
    for (const tick of ['0.1', '1', '10', '100', '1000']) expect(svg).toContain(`>${tick}</text>`)
  })

  it('leaves out series without two finite points and says "no data" when none is left', () => {
    const svg = lineChart({ ...spec, series: [{ name: 'a', color: '#000', points: [[1, Number.NaN], [2, 3]] }] })
    expect(pathsOf(svg)).toEqual([])
    expect(svg).toContain('no data')
  })
})

describe('report formatting', () => {
  it('shows missing numbers as a dash and keeps sub-millisecond precision', () => {
    expect(formatMs(null)).toBe('—')
    expect(formatMs(0.1234)).toBe('0.123')
    expect(formatMs(0)).toBe('0')
    expect(formatMs(1234.5)).toBe('1,235')
    expect(formatPercent(0.004)).toBe('0.40 %')
  })
})

describe('cpuDuring', () => {
  it('charges each process only for the CPU it used between the snapshots', () => {
    const before = [{ name: 'a', peakRssMiB: 10, cpuSeconds: 100 }]
    const after = [
      { name: 'a', peakRssMiB: 12, cpuSeconds: 103.5 },
      { name: 'b', peakRssMiB: 5, cpuSeconds: 2 },
    ]
    expect(cpuDuring(before, after)).toEqual([
      { name: 'a', peakRssMiB: 12, cpuSeconds: 3.5 },
      { name: 'b', peakRssMiB: 5, cpuSeconds: 2 },
    ])
  })
})
