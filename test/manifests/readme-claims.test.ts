import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLAIMS_END, CLAIMS_START, renderClaims, type SweepResult } from '@pos-fleet/fleet/loadtest/claims'
import type { LoadtestReport } from '@pos-fleet/fleet/loadtest/report-schema'
import type { SaturationReport } from '@pos-fleet/fleet/saturation/saturate'
import { repoRoot } from '@pos-fleet/fleet/infra/paths'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

/** The README's latency figures are the committed run's figures, not hand-typed ones. */
describe('README "Latency claims"', () => {
  const report = JSON.parse(read('docs/loadtest/report.json')) as LoadtestReport
  const sweep = JSON.parse(read('docs/loadtest/sweep.json')) as SweepResult
  const saturation = JSON.parse(read('docs/loadtest/saturation.json')) as SaturationReport

  it('is exactly the table generated from docs/loadtest/ (regenerate with `pnpm fleet claims`)', () => {
    const readme = read('README.md')
    const block = readme.slice(readme.indexOf(CLAIMS_START), readme.indexOf(CLAIMS_END) + CLAIMS_END.length)
    expect(block).toBe(
      renderClaims(report, sweep, saturation, { report: 'docs/loadtest/report.json', sweep: 'docs/loadtest/sweep.json', saturation: 'docs/loadtest/saturation.json' }),
    )
  })

  it('rests on a complete, error-free run with lag probes in every reader region', () => {
    expect(report.problems).toEqual([])
    expect(report.durationS).toBeGreaterThanOrEqual(60)
    for (const r of Object.values(report.regions)) if (r.role === 'reader') expect(r.replicationLagMs!.samples).toBeGreaterThan(50)
    expect(Object.values(sweep.sustained).every((v) => v > 0)).toBe(true)
  })

  it('rests on a saturation run of both reads in every region, without errors', () => {
    expect(Object.keys(saturation.regions).sort()).toEqual(Object.keys(report.regions).sort())
    for (const reads of Object.values(saturation.regions)) {
      for (const r of Object.values(reads)) {
        for (const side of [r.platform, r.bare]) {
          expect(side.closedLoop.errors + side.openLoop.errors).toBe(0)
          expect(side.closedLoop.requests).toBeGreaterThan(1000)
        }
      }
    }
  })
})
