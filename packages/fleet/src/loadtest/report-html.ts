/**
 * Renders a load-test report as one self-contained HTML file: inline CSS and SVG, no script,
 * no fonts or images to fetch, so it opens offline from `reports/<timestamp>/report.html`.
 */
import { OPERATIONS, type LatencySummaryMs, type LoadtestReport, type Operation, type ProcessReport, type RegionReport } from './report-schema.js'
import {
  escapeHtml as esc,
  formatDuration,
  formatFixed,
  formatInteger,
  formatMs,
  formatPercent,
  formatRatio,
} from './html-format.js'
import { lineChart, type ChartSeries } from './svg-charts.js'

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. An operation
// (or a region) keeps its colour in every chart.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#000000']
const colour = (i: number): string => PALETTE[i % PALETTE.length] as string

// The policy also proves the promise above: a browser refuses any fetch or script this page
// might grow by accident, instead of quietly reaching the network.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:#1d1d1f;margin:0 auto;padding:24px;max-width:1280px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
dl.params{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}dl.params dt{color:#666}dl.params dd{margin:0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:4px 0 8px}
th,td{padding:3px 9px;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap}
th{background:#f5f5f7;font-weight:600}th.l,td.l{text-align:left}tbody.region tr:first-child td{border-top:2px solid #bbb}
td.err{color:#b00020}.muted{color:#888}
.problems{border:2px solid #d98e00;background:#fff6e0;padding:10px 16px;margin:16px 0;border-radius:4px}
.problems strong{color:#8a5a00}.problems ul{margin:6px 0 0;padding-left:20px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
figure.chart{margin:0}figure.chart figcaption{font-weight:600;margin-bottom:2px}
figure.chart svg{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:#333}svg .label{font-size:12px;fill:#555}
svg .grid{stroke:#ececec}svg .axis{stroke:#888;fill:none}
`

const regionEntries = (r: LoadtestReport): Array<[string, RegionReport]> => Object.entries(r.regions)
/** Operations present in the region's report, in the schema's fixed order. */
const operationsOf = (region: RegionReport): Operation[] => OPERATIONS.filter((op) => region.operations[op] !== undefined)

const td = (v: string, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${v}</td>`
const th = (v: string, cls = ''): string => `<th${cls ? ` class="${cls}"` : ''}>${v}</th>`

function header(r: LoadtestReport): string {
  const weights = Object.values(r.mix).reduce((a, b) => a + b, 0)
  const mix = OPERATIONS.filter((op) => (r.mix[op] ?? 0) > 0)
    .map((op) => `${esc(op)} ${formatPercent(r.mix[op] / weights)}`)
    .join(' · ')
  const m = r.machine
  const params: Array<[string, string]> = [
    ['Started', esc(r.startedAt)],
    ['Duration', `${esc(formatDuration(r.durationS))} measured, after ${esc(formatDuration(r.warmupS))} of warm-up (discarded)`],
    ['Rate per region', `${esc(formatInteger(r.ratePerRegion))} operations/s (open loop)`],
    ['Mix', mix || '—'],
    ['WAN scale', `${esc(formatFixed(r.wanScale, 2))}× the topology's RTTs`],
    ['Writer', esc(r.writer)],
    ['Machine', `${esc(m.cpus)} CPUs · ${esc(formatFixed(m.memoryGiB, 1))} GiB · Node ${esc(m.node)} · ${esc(m.platform)}`],
  ]
  return `<header><h1>pos-fleet load test</h1><dl class="params">${params.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>`
}

/** Shown first and impossible to miss: a report with problems must not be read as a result. */
function problems(r: LoadtestReport): string {
  if (!r.problems?.length) return ''
  const items = r.problems.map((p) => `<li>${esc(p)}</li>`).join('')
  return `<div class="problems" role="alert"><strong>This run is incomplete or invalid (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}):</strong><ul>${items}</ul></div>`
}

function errorsCell(errors: Record<string, number>): string {
  const parts = Object.entries(errors ?? {}).filter(([, n]) => n > 0)
  if (parts.length === 0) return td('0', 'muted')
  return td(parts.map(([status, n]) => `${esc(status)}: ${formatInteger(n)}`).join(', '), 'err')
}

const latencyCells = (l: LatencySummaryMs): string => [l.p50, l.p90, l.p99, l.p999, l.max].map((v) => td(formatMs(v))).join('')

function operationsTable(r: LoadtestReport): string {
  const head = ['Region', 'Operation'].map((h) => th(h, 'l')).join('') + ['Count', 'Throughput /s', 'Errors', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms'].map((h) => th(h)).join('')
  // One tbody per region, so a region's rows read as a block.
  const bodies = regionEntries(r).map(([id, region]) => {
    const ops = operationsOf(region)
    const rows = ops.map((op, i) => {
      const o = region.operations[op]
      const regionCell = i === 0 ? `<td class="l" rowspan="${ops.length}">${esc(id)}</td>` : ''
      return `<tr>${regionCell}${td(esc(op), 'l')}${td(formatInteger(o.count))}${td(formatFixed(o.throughput, 1))}${errorsCell(o.errors)}${latencyCells(o.latencyMs)}</tr>`
    })
    return `<tbody class="region">${rows.join('')}</tbody>`
  })
  return `<table data-table="operations"><thead><tr>${head}</tr></thead>${bodies.join('')}</table>`
}

function regionsTable(r: LoadtestReport): string {
  const head = `<tr>${th('Region', 'l')}${th('Role', 'l')}${th('RTT floor ms')}${th('Checkout overhead p50 ms')}${th('p99 ms')}${th('Store-and-forward')}${th('Replication lag p50 ms')}${th('p99 ms')}${th('max ms')}${th('Probes')}</tr>`
  const rows = regionEntries(r).map(([id, g]) => {
    const lag = g.replicationLagMs
    const lagCells = lag ? [lag.p50, lag.p99, lag.max].map((v) => td(formatMs(v))).join('') + td(formatInteger(lag.samples)) : `<td class="muted" colspan="4">writer: no replica lag</td>`
    return `<tr>${td(esc(id), 'l')}${td(esc(g.role), 'l')}${td(formatMs(g.rttFloorMs))}${td(formatMs(g.remoteWriteOverheadMs?.p50))}${td(formatMs(g.remoteWriteOverheadMs?.p99))}${td(formatPercent(g.storeAndForwardShare))}${lagCells}</tr>`
  })
  return `<table data-table="regions"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`
}

function processesTable(r: LoadtestReport): string {
  const head = `<tr>${th('Region', 'l')}${th('Process', 'l')}${th('Peak RSS MiB')}${th('CPU s')}${th('CPU % of run')}</tr>`
  const groups: Array<[string, ProcessReport[]]> = [...regionEntries(r).map(([id, g]): [string, ProcessReport[]] => [id, g.processes ?? []]), ['shared', r.sharedProcesses ?? []]]
  const bodies = groups.map(([group, processes]) => {
    const rows = processes.map((p, i) => {
      const groupCell = i === 0 ? `<td class="l" rowspan="${processes.length}">${esc(group)}</td>` : ''
      return `<tr>${groupCell}${td(esc(p.name), 'l')}${td(formatFixed(p.peakRssMiB, 0))}${td(formatFixed(p.cpuSeconds, 1))}${td(formatPercent(p.cpuSeconds / r.durationS))}</tr>`
    })
    return `<tbody class="region">${rows.join('')}</tbody>`
  })
  const total = groups.flatMap(([, ps]) => ps).reduce((sum, p) => sum + p.cpuSeconds, 0)
  const cores = r.machine.cpus
  return `<p>CPU during the measured run (baseline phase excluded): ${formatFixed(total, 1)} s of the ${formatInteger(cores * r.durationS)} core-seconds the machine had (${formatPercent(total / (cores * r.durationS))}). Peak RSS is the high-water mark since each process started.</p>
<table data-table="processes"><thead>${head}</thead>${bodies.join('')}</table>`
}

function baselineSection(r: LoadtestReport): string {
  const b = r.baseline
  if (!b) return '<p class="muted">No baseline was measured.</p>'
  const head = `<tr>${th('Handler', 'l')}${th('Count')}${th('p50 ms')}${th('p90 ms')}${th('p99 ms')}${th('p99.9 ms')}${th('max ms')}</tr>`
  const row = (name: string, l: LatencySummaryMs): string => `<tr>${td(name, 'l')}${td(formatInteger(l.count))}${latencyCells(l)}</tr>`
  return `<p>The same catalog read in <b>${esc(b.region)}</b>, served by a bare fastify + mysql2 handler and by the platform, against the same replica.
Platform / bare: <b data-ratio="p50">${formatRatio(b.ratioP50)}</b> at p50, <b data-ratio="p99">${formatRatio(b.ratioP99)}</b> at p99.</p>
<table data-table="baseline"><thead>${head}</thead><tbody>${row('bare', b.bare)}${row('platform', b.platform)}</tbody></table>`
}

function charts(r: LoadtestReport): string {
  const regions = regionEntries(r)
  const cdfs = regions.map(([id, region]) =>
    lineChart({
      id: `latency-cdf-${id}`,
      title: `Latency CDF — ${id}${region.role === 'writer' ? ' (writer)' : ''}`,
      xLabel: 'latency (ms, log scale)',
      yLabel: 'requests at or below',
      xScale: 'log',
      yDomain: [0, 1],
      formatY: (v) => `${Math.round(v * 100)}%`,
      series: operationsOf(region).map((op) => ({ name: op, color: colour(OPERATIONS.indexOf(op)), points: region.operations[op].cdf ?? [] })),
    }),
  )
  const byRegion = (pick: (g: RegionReport) => ChartSeries['points'], readersOnly = false): ChartSeries[] =>
    regions.flatMap(([id, g], i) => (readersOnly && g.role !== 'reader' ? [] : [{ name: id, color: colour(i), points: pick(g) }]))
  const lag = lineChart({
    id: 'lag-over-time',
    title: 'Replication lag over time (probe: committed at the writer → visible on the replica)',
    xLabel: 'time since start (s)',
    yLabel: 'lag (ms)',
    series: byRegion((g) => (g.lagTimeline ?? []).map((p) => [p.t, p.lagMs] as const), true),
  })
  const throughput = lineChart({
    id: 'throughput-over-time',
    title: 'Throughput over time',
    xLabel: 'time since start (s)',
    yLabel: 'completed operations/s',
    series: byRegion((g) => (g.timeline ?? []).map((p) => [p.t, p.throughput] as const)),
  })
  return `<div class="charts">${cdfs.join('')}${lag}${throughput}</div>`
}

export function renderReportHtml(report: LoadtestReport): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pos-fleet load test — ${esc(report.startedAt)}</title>
<style>${CSS}</style>
</head>
<body>
${header(report)}
${problems(report)}
<h2>Operations by region</h2>
${operationsTable(report)}
<h2>Writes, store-and-forward and replication</h2>
<p class="muted">Checkout overhead is checkout latency above the region's RTT floor to the writer: the cost the fleet adds on top of physics.</p>
${regionsTable(report)}
<h2>Platform overhead against a bare handler</h2>
${baselineSection(report)}
<h2>Charts</h2>
${charts(report)}
<h2>Processes</h2>
${processesTable(report)}
</body>
</html>
`
}
