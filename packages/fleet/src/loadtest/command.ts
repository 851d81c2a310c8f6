import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Endpoints } from '../endpoints.js'
import { FleetError } from '../errors.js'
import { repoRoot } from '../infra/paths.js'
import { type SweepResult, writeClaims } from './claims.js'
import { renderReportHtml } from './report-html.js'
import type { LoadtestReport } from './report-schema.js'
import { type LoadtestOptions, runLoadtest } from './runner.js'
import { type SaturationOptions, type SaturationReport, runSaturation } from '../saturation/saturate.js'
import { type SweepStep, sweepCheckout } from './sweep.js'

const defaultOut = join(repoRoot, 'reports')
const stamp = (iso: string) => iso.replace(/[:.]/g, '-')

/** Runs the load test and writes reports/<timestamp>/report.json and the self-contained report.html. */
export async function loadtestToReport(endpoints: Endpoints, options: LoadtestOptions, outRoot = defaultOut): Promise<{ report: LoadtestReport; dir: string }> {
  const report = await runLoadtest(endpoints, options)
  const dir = join(outRoot, stamp(report.startedAt))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(join(dir, 'report.html'), renderReportHtml(report))
  return { report, dir }
}

/** Runs the checkout sweep and writes reports/sweep-<timestamp>/sweep.json. */
export async function sweepToFile(
  endpoints: Endpoints,
  o: { readonly rates: number[]; readonly stepS: number; readonly budgetMs: number; readonly onStep?: (step: SweepStep) => void },
  outRoot = defaultOut,
): Promise<{ sweep: SweepResult; file: string }> {
  const { steps, sustained } = await sweepCheckout(endpoints, o)
  const sweep: SweepResult = { budgetMs: o.budgetMs, stepS: o.stepS, rates: o.rates, steps, sustained }
  const dir = join(outRoot, `sweep-${stamp(new Date().toISOString())}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'sweep.json')
  writeFileSync(file, `${JSON.stringify(sweep, null, 2)}\n`)
  return { sweep, file }
}

/** Runs the saturation benchmark and writes reports/saturation-<timestamp>/saturation.json. */
export async function saturationToFile(endpoints: Endpoints, o: SaturationOptions, outRoot = defaultOut): Promise<{ report: SaturationReport; file: string }> {
  const report = await runSaturation(endpoints, o)
  const dir = join(outRoot, `saturation-${stamp(report.startedAt)}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'saturation.json')
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  return { report, file }
}

/**
 * Publishes a run as the README's evidence: copies it to docs/loadtest/ and regenerates the
 * "Latency claims" table from the copies. All or nothing: a missing file leaves docs/ as it was.
 */
export function publishClaims(reportDir: string, sweepDir: string, saturationDir: string, root = repoRoot): void {
  const files = [join(reportDir, 'report.json'), join(reportDir, 'report.html'), join(sweepDir, 'sweep.json'), join(saturationDir, 'saturation.json')]
  const missing = files.filter((file) => !existsSync(file))
  if (missing.length > 0) throw new FleetError(`no ${missing.join(', ')}: nothing was copied`, { exitCode: 2 })
  const docs = join(root, 'docs/loadtest')
  mkdirSync(docs, { recursive: true })
  for (const from of files) copyFileSync(from, join(docs, basename(from)))
  const relative = { report: 'docs/loadtest/report.json', sweep: 'docs/loadtest/sweep.json', saturation: 'docs/loadtest/saturation.json' }
  writeClaims(join(root, 'README.md'), { report: join(root, relative.report), sweep: join(root, relative.sweep), saturation: join(root, relative.saturation) }, relative)
}
