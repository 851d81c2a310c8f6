import type { RegionId } from '@pos-fleet/topology'

/** The operations a simulated POS terminal mixes. */
export const OPERATIONS = ['browse', 'stock', 'checkout', 'lookup', 'restock'] as const
export type Operation = (typeof OPERATIONS)[number]

export interface LatencySummaryMs {
  count: number
  mean: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
}

export interface OperationReport {
  /** Requests that completed (any status). */
  count: number
  /** Completed per second over the measured window. */
  throughput: number
  /** Non-2xx answers and transport failures, by status ("503", "timeout", …). */
  errors: Record<string, number>
  /** Latency from the intended send time (open loop: no coordinated omission). */
  latencyMs: LatencySummaryMs
  /** Latency CDF points [ms, fraction 0..1], ascending, for charts. */
  cdf: Array<[number, number]>
}

export interface ProcessReport {
  name: string
  /** VmHWM: the highest resident set since the process started. */
  peakRssMiB: number
  /** CPU time (user + system) used during the measured run, baseline phase excluded. */
  cpuSeconds: number
}

export interface RegionReport {
  role: 'writer' | 'reader'
  /** Emulated RTT to the writer (ms): the physical floor of a remote write. */
  rttFloorMs: number
  operations: Record<Operation, OperationReport>
  /** checkout latency minus rttFloorMs: the overhead above physics. */
  remoteWriteOverheadMs: { p50: number; p99: number }
  /** Share of accepted checkouts answered 202 provisional (store-and-forward). */
  storeAndForwardShare: number
  /** Probe-measured: a sale committed at the writer until visible on this region's replica. Null for the writer. */
  replicationLagMs: { p50: number; p99: number; max: number; samples: number } | null
  /** One point per second. */
  timeline: Array<{ t: number; throughput: number; p99Ms: number }>
  lagTimeline: Array<{ t: number; lagMs: number }>
  processes: ProcessReport[]
}

export interface LoadtestReport {
  version: 1
  startedAt: string
  /** The measured window; the warm-up before it is not in any figure. */
  durationS: number
  warmupS: number
  /** Intended operations per second per region, over the whole mix. */
  ratePerRegion: number
  mix: Record<Operation, number>
  wanScale: number
  writer: RegionId
  machine: { cpus: number; memoryGiB: number; node: string; platform: string }
  regions: Record<RegionId, RegionReport>
  /**
   * The same catalog read served side by side by a bare fastify + mysql2 handler
   * (no platform layer) against the same replica, to express platform overhead as a ratio.
   * Null when the run skipped it (--baseline 0).
   */
  baseline: {
    region: RegionId
    bare: LatencySummaryMs
    platform: LatencySummaryMs
    /** Non-200 answers and transport failures of each handler. */
    errors: { bare: number; platform: number }
    ratioP50: number
    ratioP99: number
  } | null
  /**
   * Processes that belong to no region (toxiproxy, the sandbox payment gateway) and the load
   * generator itself: on a small machine they compete with the fleet for the same cores.
   */
  sharedProcesses: ProcessReport[]
  /** Problems that make the report incomplete or the run invalid; empty when all is well. */
  problems: string[]
}
