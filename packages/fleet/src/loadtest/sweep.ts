import { type RegionId, REGION_IDS } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import { type LoadtestOptions, runLoadtest } from './runner.js'

export interface SweepStep {
  rate: number
  /** checkout p99 minus the region's RTT floor, and errors, per region */
  regions: Record<RegionId, { overheadP99Ms: number; errors: number }>
}

/**
 * Checkout-only load at rising rates (per region, all regions at once). A region
 * sustains a rate while its checkout p99 stays within `budgetMs` above its RTT floor
 * with no errors; the answer per region is the highest such rate tried.
 */
export async function sweepCheckout(
  endpoints: Endpoints,
  o: { rates: number[]; stepS: number; budgetMs: number; onStep?: (s: SweepStep) => void },
): Promise<{ steps: SweepStep[]; sustained: Record<RegionId, number> }> {
  const steps: SweepStep[] = []
  const sustained = Object.fromEntries(REGION_IDS.map((r) => [r, 0])) as Record<RegionId, number>
  const failed = new Set<RegionId>()
  for (const rate of o.rates) {
    const options: LoadtestOptions = {
      durationS: o.stepS,
      // Each rate starts from a settled fleet: pools grown, the previous step's backlog drained.
      warmupS: 5,
      ratePerRegion: rate,
      mix: { browse: 0, stock: 0, checkout: 1, lookup: 0, restock: 0 },
      baselineS: 0,
    }
    const report = await runLoadtest(endpoints, options)
    const step: SweepStep = { rate, regions: {} as SweepStep['regions'] }
    for (const region of REGION_IDS) {
      const rr = report.regions[region]
      const errors = Object.values(rr.operations.checkout.errors).reduce((a, b) => a + b, 0)
      step.regions[region] = { overheadP99Ms: rr.remoteWriteOverheadMs.p99, errors }
      if (!failed.has(region) && errors === 0 && rr.remoteWriteOverheadMs.p99 <= o.budgetMs) sustained[region] = rate
      else failed.add(region)
    }
    steps.push(step)
    o.onStep?.(step)
    if (failed.size === REGION_IDS.length) break
  }
  return { steps, sustained }
}
