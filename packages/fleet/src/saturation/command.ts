import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isComposeFleet } from '../compose/runtime.js'
import type { Endpoints } from '../endpoints.js'
import { FleetError } from '../errors.js'
import { repoRoot } from '../infra/paths.js'
import { type SaturationOptions, type SaturationReport, runSaturation } from './saturate.js'

/** Runs the saturation benchmark and writes reports/saturation-<time>/saturation.json. */
export async function saturationToFile(endpoints: Endpoints, o: SaturationOptions, outRoot = join(repoRoot, 'reports')): Promise<{ report: SaturationReport; file: string }> {
  if (isComposeFleet(endpoints)) {
    throw new FleetError('fleet bench --saturate measures the native fleet\'s processes (their CPU time from /proc); this fleet runs under compose', { exitCode: 2 })
  }
  const report = await runSaturation(endpoints, o)
  const dir = join(outRoot, `saturation-${report.startedAt.replace(/[:.]/g, '-')}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'saturation.json')
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  return { report, file }
}
