/**
 * A deterministic, realistic LoadtestReport for tests of the report page: the fleet's three
 * regions (writer ap-southeast-1; RTT floors 0, 160 and 220 ms), two minutes at 50 ops/s.
 * Numbers come from a seeded generator, so a test and a screenshot see the same report.
 */
import type { LatencySummaryMs, LoadtestReport, Operation, OperationReport, RegionReport } from './report-schema.js'

/** mulberry32: a tiny seeded PRNG; Math.random would make every run different. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const round = (v: number, digits = 3): number => Number(v.toFixed(digits))

/** The percentiles the runner's recorder reports its CDF at (see stats.ts). */
const CDF_PERCENTILES = [0.0001, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100]

/**
 * A latency distribution: a fixed floor (network RTT) plus a log-logistic tail, which has the
 * long right tail of real service latency.
 */
function quantile(floorMs: number, medianMs: number, spread: number): (p: number) => number {
  return (p) => {
    const q = Math.min(Math.max(p, 1e-6), 1 - 1e-4)
    return floorMs + medianMs * Math.exp(spread * Math.log(q / (1 - q)))
  }
}

const DURATION_S = 120
const RATE = 50
const MIX: Record<Operation, number> = { browse: 45, stock: 20, checkout: 20, lookup: 10, restock: 5 }

function operation(q: (p: number) => number, weight: number, errors: Record<string, number>): OperationReport {
  const count = Math.round((RATE * DURATION_S * weight) / 100)
  const at = (percentile: number): number => round(q(percentile / 100))
  const latencyMs: LatencySummaryMs = {
    count,
    mean: round((q(0.25) + q(0.5) + q(0.75)) / 3),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: at(100),
  }
  return {
    count,
    throughput: round(count / DURATION_S, 2),
    errors,
    latencyMs,
    cdf: CDF_PERCENTILES.map((p) => [at(p), round(p / 100, 6)]),
  }
}

function region(rttFloorMs: number, seed: number): RegionReport {
  const random = seeded(seed)
  const writer = rttFloorMs === 0
  // Reads are local everywhere; checkout and restock cross the WAN to the writer.
  const operations: Record<Operation, OperationReport> = {
    browse: operation(quantile(0, 2.1, 0.35), MIX.browse, {}),
    stock: operation(quantile(0, 1.6, 0.3), MIX.stock, {}),
    checkout: operation(quantile(rttFloorMs, 9 + rttFloorMs * 0.04, 0.35), MIX.checkout, writer ? {} : { '503': 2, timeout: 1 }),
    lookup: operation(quantile(0, 1.2, 0.3), MIX.lookup, {}),
    restock: operation(quantile(rttFloorMs, 6 + rttFloorMs * 0.03, 0.35), MIX.restock, {}),
  }
  const checkout = operations.checkout.latencyMs
  const timeline = Array.from({ length: DURATION_S }, (_, t) => {
    const ramp = Math.min(1, (t + 1) / 4)
    return { t, throughput: round(RATE * ramp * (0.94 + random() * 0.12), 1), p99Ms: round(checkout.p99 * (0.9 + random() * 0.2), 1) }
  })
  const lagTimeline = writer
    ? []
    : Array.from({ length: DURATION_S }, (_, t) => {
        // One-way delay plus apply time, with a burst of lag a third of the way in.
        const burst = t >= 40 && t < 46 ? 180 * Math.sin(((t - 40) / 6) * Math.PI) : 0
        return { t, lagMs: round(rttFloorMs / 2 + 12 + random() * 18 + burst, 1) }
      })
  const lags = lagTimeline.map((p) => p.lagMs).sort((a, b) => a - b)
  const lagAt = (p: number): number => lags[Math.min(lags.length - 1, Math.ceil((p / 100) * lags.length) - 1)] as number
  return {
    role: writer ? 'writer' : 'reader',
    rttFloorMs,
    operations,
    remoteWriteOverheadMs: { p50: round(checkout.p50 - rttFloorMs), p99: round(checkout.p99 - rttFloorMs) },
    storeAndForwardShare: writer ? 0 : round(0.002 + rttFloorMs / 100_000, 4),
    replicationLagMs: writer ? null : { p50: lagAt(50), p99: lagAt(99), max: lagAt(100), samples: lags.length },
    timeline,
    lagTimeline,
    processes: [
      { name: 'storefront', peakRssMiB: round(142 + random() * 20, 1), cpuSeconds: round(31 + random() * 6, 1) },
      { name: 'inventory-delta', peakRssMiB: round(118 + random() * 15, 1), cpuSeconds: round(9 + random() * 3, 1) },
      ...(writer ? [{ name: 'payments-worker', peakRssMiB: round(104 + random() * 10, 1), cpuSeconds: round(6 + random() * 2, 1) }] : []),
      { name: 'mariadb', peakRssMiB: round(410 + random() * 40, 1), cpuSeconds: round(22 + random() * 5, 1) },
      { name: 'kafka', peakRssMiB: round(690 + random() * 60, 1), cpuSeconds: round(14 + random() * 4, 1) },
    ],
  }
}

/** A fresh copy on every call, so a test may change it freely. */
export function sampleReport(): LoadtestReport {
  const bare: LatencySummaryMs = { count: 2000, mean: 1.31, p50: 1.12, p90: 1.9, p99: 3.8, p999: 7.4, max: 12.6 }
  const platform: LatencySummaryMs = { count: 2000, mean: 1.92, p50: 1.64, p90: 2.8, p99: 5.9, p999: 11.2, max: 19.8 }
  return {
    version: 1,
    startedAt: '2026-11-02T09:30:00.000Z',
    durationS: DURATION_S,
    warmupS: 10,
    ratePerRegion: RATE,
    mix: { ...MIX },
    wanScale: 1,
    writer: 'ap-southeast-1',
    machine: { cpus: 2, memoryGiB: 24, node: 'v20.20.2', platform: 'linux x64' },
    regions: {
      'ap-southeast-1': region(0, 1),
      'eu-central-1': region(160, 2),
      'us-east-1': region(220, 3),
    },
    baseline: {
      region: 'eu-central-1',
      bare,
      platform,
      errors: { bare: 0, platform: 0 },
      ratioP50: round(platform.p50 / bare.p50, 2),
      ratioP99: round(platform.p99 / bare.p99, 2),
    },
    sharedProcesses: [
      { name: 'toxiproxy', peakRssMiB: 31, cpuSeconds: 4.2 },
      { name: 'payment-gateway-sandbox', peakRssMiB: 96, cpuSeconds: 2.1 },
      { name: 'load generator (this process)', peakRssMiB: 188, cpuSeconds: 18.4 },
    ],
    problems: [],
  }
}
