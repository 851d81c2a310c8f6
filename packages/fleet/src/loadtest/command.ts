import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Endpoints } from '../endpoints.js'
import { repoRoot } from '../infra/paths.js'
import { renderReportHtml } from './report-html.js'
import type { LoadtestReport } from './report-schema.js'
import { type LoadtestOptions, runLoadtest } from './runner.js'

/** Runs the load test and writes reports/<timestamp>/report.json and the self-contained report.html. */
export async function loadtestToReport(
  endpoints: Endpoints,
  options: LoadtestOptions,
  outRoot = join(repoRoot, 'reports'),
): Promise<{ report: LoadtestReport; dir: string }> {
  const report = await runLoadtest(endpoints, options)
  const dir = join(outRoot, report.startedAt.replace(/[:.]/g, '-'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(join(dir, 'report.html'), renderReportHtml(report))
  return { report, dir }
}
