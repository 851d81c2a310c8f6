/**
 * Inline SVG line charts for the load-test report. Generated here rather than by a charting
 * library so the report stays one offline file with no script at all: it is opened from disk,
 * often long after the run, and must render the same everywhere.
 */
import { escapeHtml } from './html-format.js'

export interface ChartSeries {
  name: string
  color: string
  points: ReadonlyArray<readonly [number, number]>
}

export interface LineChartSpec {
  /** Value of `data-chart`: how tests and readers find a chart. */
  id: string
  title: string
  xLabel: string
  yLabel: string
  /** @default 'linear' */
  xScale?: 'linear' | 'log'
  /** A fixed y range (0..1 for a CDF); by default 0 up to a round number above the data. */
  yDomain?: readonly [number, number]
  formatX?: (v: number) => string
  formatY?: (v: number) => string
  series: readonly ChartSeries[]
}

// One coordinate system for every chart; CSS scales the SVG to its column through the viewBox.
const WIDTH = 640
const HEIGHT = 280
const M = { top: 14, right: 150, bottom: 46, left: 62 }
const PLOT_W = WIDTH - M.left - M.right
const PLOT_H = HEIGHT - M.top - M.bottom

interface Axis {
  toPx(v: number): number
  ticks: number[]
}

/** Drops float noise such as 0.30000000000000004 from tick values. */
const tidy = (v: number): number => Number(v.toPrecision(12))

function niceStep(span: number, target: number): number {
  const raw = span / target
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const f = raw / magnitude
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude
}

function linearAxis(lo: number, hi: number, pxLo: number, pxHi: number): Axis {
  const step = niceStep(hi - lo, 5)
  const ticks: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(tidy(v))
  return { toPx: (v) => pxLo + ((v - lo) / (hi - lo)) * (pxHi - pxLo), ticks }
}

/** Whole decades, so 1 ms reads and 200 ms remote writes share one readable axis. */
function logAxis(values: number[], pxLo: number, pxHi: number): Axis {
  const positive = values.filter((v) => v > 0)
  const lo = Math.floor(Math.log10(positive.length ? Math.min(...positive) : 1))
  let hi = Math.ceil(Math.log10(positive.length ? Math.max(...positive) : 10))
  if (hi <= lo) hi = lo + 1
  const ticks: number[] = []
  for (let e = lo; e <= hi; e++) {
    ticks.push(tidy(10 ** e))
    // Few decades leave the axis bare; 2 and 5 give the eye something to read against.
    if (hi - lo <= 3 && e < hi) ticks.push(tidy(2 * 10 ** e), tidy(5 * 10 ** e))
  }
  const toPx = (v: number): number => {
    const e = Math.min(hi, Math.max(lo, Math.log10(Math.max(v, 10 ** lo))))
    return pxLo + ((e - lo) / (hi - lo)) * (pxHi - pxLo)
  }
  return { toPx, ticks }
}

function xAxisFor(spec: LineChartSpec, xs: number[]): Axis {
  if (spec.xScale === 'log') return logAxis(xs, M.left, M.left + PLOT_W)
  let lo = Math.min(...xs)
  let hi = Math.max(...xs)
  if (hi <= lo) [lo, hi] = [lo - 1, hi + 1]
  return linearAxis(lo, hi, M.left, M.left + PLOT_W)
}

function yAxisFor(spec: LineChartSpec, ys: number[]): Axis {
  if (spec.yDomain) return linearAxis(spec.yDomain[0], spec.yDomain[1], M.top + PLOT_H, M.top)
  const max = Math.max(0, ...ys)
  const top = max > 0 ? Math.ceil(max / niceStep(max, 5)) * niceStep(max, 5) : 1
  return linearAxis(0, top, M.top + PLOT_H, M.top)
}

export function formatTick(v: number): string {
  if (Math.abs(v) >= 10_000) return `${tidy(v / 1000)}k`
  return String(tidy(v))
}

const px = (v: number): string => v.toFixed(1)

function seriesPath(s: ChartSeries, x: Axis, y: Axis): string {
  const d = s.points.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${px(x.toPx(a))},${px(y.toPx(b))}`).join('')
  const name = escapeHtml(s.name)
  return `<path data-series="${name}" d="${d}" stroke="${escapeHtml(s.color)}" fill="none" stroke-width="2" stroke-linejoin="round"><title>${name}</title></path>`
}

function legend(series: readonly ChartSeries[]): string {
  const x = WIDTH - M.right + 18
  const rows = series.map((s, i) => {
    const y = M.top + 10 + i * 20
    return `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${escapeHtml(s.color)}" stroke-width="3"/><text x="${x + 30}" y="${y + 4}">${escapeHtml(s.name)}</text>`
  })
  return `<g class="legend">${rows.join('')}</g>`
}

function axes(spec: LineChartSpec, x: Axis, y: Axis): string {
  const fx = spec.formatX ?? formatTick
  const fy = spec.formatY ?? formatTick
  const bottom = M.top + PLOT_H
  const right = M.left + PLOT_W
  const out: string[] = []
  for (const t of x.ticks) {
    const p = px(x.toPx(t))
    out.push(`<line class="grid" x1="${p}" y1="${M.top}" x2="${p}" y2="${bottom}"/>`)
    out.push(`<text x="${p}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(fx(t))}</text>`)
  }
  for (const t of y.ticks) {
    const p = px(y.toPx(t))
    out.push(`<line class="grid" x1="${M.left}" y1="${p}" x2="${right}" y2="${p}"/>`)
    out.push(`<text x="${M.left - 6}" y="${px(y.toPx(t) + 4)}" text-anchor="end">${escapeHtml(fy(t))}</text>`)
  }
  out.push(`<path class="axis" d="M${M.left},${M.top}V${bottom}H${right}"/>`)
  out.push(`<text class="label" x="${M.left + PLOT_W / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`)
  const cy = M.top + PLOT_H / 2
  out.push(`<text class="label" x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeHtml(spec.yLabel)}</text>`)
  return out.join('')
}

/**
 * A figure with one SVG line chart. Series with fewer than two finite points are left out
 * (a zero-weight operation has no latencies); with none left the chart says so instead.
 */
export function lineChart(spec: LineChartSpec): string {
  const series = spec.series
    .map((s) => ({ ...s, points: s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)) }))
    .filter((s) => s.points.length >= 2)
  const title = escapeHtml(spec.title)
  const open = `<svg data-chart="${escapeHtml(spec.id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg">`
  let body: string
  if (series.length === 0) {
    body = `<text class="label" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no data</text>`
  } else {
    const x = xAxisFor(spec, series.flatMap((s) => s.points.map((p) => p[0])))
    const y = yAxisFor(spec, series.flatMap((s) => s.points.map((p) => p[1])))
    body = axes(spec, x, y) + series.map((s) => seriesPath(s, x, y)).join('') + legend(series)
  }
  return `<figure class="chart"><figcaption>${title}</figcaption>${open}${body}</svg></figure>`
}
