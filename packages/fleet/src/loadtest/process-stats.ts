import { readFileSync } from 'node:fs'
import { listProcesses } from '../infra/processes.js'
import type { ProcessReport } from './report-schema.js'

const CLOCK_TICKS = 100

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may contain spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** Peak RSS (VmHWM, since the process started) and CPU time so far of every fleet process, from /proc (Linux). */
export function processStats(): ProcessReport[] {
  const out: ProcessReport[] = []
  for (const p of listProcesses()) {
    try {
      const status = readFileSync(`/proc/${p.pid}/status`, 'utf8')
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status)
      out.push({ name: p.name, peakRssMiB: hwm ? Math.round(Number(hwm[1]) / 1024) : 0, cpuSeconds: cpuSecondsOf(p.pid) })
    } catch {
      // Gone since it was recorded: nothing to report.
    }
  }
  return out
}

/**
 * CPU used between two snapshots, so the report charges a process only for the run and
 * not for its start-up or earlier tests. A process that restarted in between is reported
 * with its new total.
 */
export function cpuDuring(before: ProcessReport[], after: ProcessReport[]): ProcessReport[] {
  const start = new Map(before.map((p) => [p.name, p.cpuSeconds]))
  return after.map((p) => {
    const was = start.get(p.name) ?? 0
    return { ...p, cpuSeconds: Math.round((p.cpuSeconds >= was ? p.cpuSeconds - was : p.cpuSeconds) * 100) / 100 }
  })
}
