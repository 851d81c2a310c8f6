import type { LoadtestReport } from './report-schema.js'

const f = (n: number) => n.toFixed(2)

/** The figures people quote, as plain text for the terminal. */
export function summarizeReport(r: LoadtestReport): string {
  const lines = [`loadtest: ${r.durationS} s measured after ${r.warmupS} s warm-up, at ${r.ratePerRegion} ops/s per region, WAN scale ${r.wanScale}, writer ${r.writer}`, '']
  lines.push(`${'region'.padEnd(16)}${'op'.padEnd(10)}${'count'.padStart(7)}${'errors'.padStart(8)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'p99.9'.padStart(9)}`)
  for (const [region, rr] of Object.entries(r.regions)) {
    for (const [op, s] of Object.entries(rr.operations)) {
      const errors = Object.values(s.errors).reduce((a, b) => a + b, 0)
      lines.push(`${region.padEnd(16)}${op.padEnd(10)}${String(s.count).padStart(7)}${String(errors).padStart(8)}${f(s.latencyMs.p50).padStart(9)}${f(s.latencyMs.p99).padStart(9)}${f(s.latencyMs.p999).padStart(9)}`)
    }
  }
  lines.push('', 'checkout above the RTT floor, and replication lag (probe: commit at the writer → visible here):')
  for (const [region, rr] of Object.entries(r.regions)) {
    const lag = rr.replicationLagMs ? `lag p50 ${f(rr.replicationLagMs.p50)} p99 ${f(rr.replicationLagMs.p99)} ms (${rr.replicationLagMs.samples} probes)` : 'writer'
    lines.push(`  ${region.padEnd(16)} floor ${String(rr.rttFloorMs).padStart(4)} ms  overhead p50 ${f(rr.remoteWriteOverheadMs.p50)} p99 ${f(rr.remoteWriteOverheadMs.p99)} ms  ${lag}  store-and-forward ${(rr.storeAndForwardShare * 100).toFixed(1)} %`)
  }
  const b = r.baseline
  if (!b) lines.push('', 'baseline: skipped (--baseline 0)')
  else lines.push('', `baseline (${b.region}, side by side): bare p50 ${f(b.bare.p50)} p99 ${f(b.bare.p99)} ms; platform p50 ${f(b.platform.p50)} p99 ${f(b.platform.p99)} ms; ratio p50 ${f(b.ratioP50)} p99 ${f(b.ratioP99)}`)
  const all = [...Object.values(r.regions).flatMap((rr) => rr.processes), ...r.sharedProcesses]
  const cpu = all.reduce((sum, p) => sum + p.cpuSeconds, 0)
  const budget = r.machine.cpus * r.durationS
  lines.push(`CPU during the run: ${cpu.toFixed(1)} of ${budget} core-seconds (${((cpu / budget) * 100).toFixed(0)} %), load generator ${r.sharedProcesses.at(-1)?.cpuSeconds.toFixed(1)} s`)
  if (r.problems.length > 0) lines.push('', 'PROBLEMS:', ...r.problems.map((p) => `  - ${p}`))
  return lines.join('\n')
}
