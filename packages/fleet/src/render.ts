/**
 * What the CLI prints, as pure functions from results to lines: no I/O here, and nothing the
 * commands compute. Type imports only, so loading this module loads no client library.
 */
import type { BenchReadRow, BenchWriteRow } from './bench.js'
import type { DurabilityStatus, FleetEndpoints } from './durability.js'
import type { RegionStatus } from './fleet.js'
import type { SweepStep } from './loadtest/sweep.js'
import type { SaturatedRead, SaturationRead, SaturationSide } from './saturation/saturate.js'

export function renderFleetReady(endpoints: FleetEndpoints, startupMs: number, endpointsPath: string): string[] {
  const lines = [`\nfleet ready in ${(startupMs / 1000).toFixed(1)} s — writer ${endpoints.writer}, WAN scale ${endpoints.wanScale}, durability ${endpoints.durability}`]
  for (const [region, e] of Object.entries(endpoints.regions)) {
    lines.push(
      `  ${region.padEnd(15)} ${e.role.padEnd(7)} storefront ${e.storefront}  inventory ${e.inventoryDelta}${e.paymentsWorker ? `  payments-worker ${e.paymentsWorker}` : ''}`,
    )
  }
  lines.push(`  sandbox payment gateway (emulated PSP) ${endpoints.paymentGateway}; toxiproxy ${endpoints.toxiproxy}`)
  if (endpoints.observability) {
    lines.push(`  traces: Jaeger ${endpoints.observability.jaeger} (API: /api/traces/<trace id>)   metrics: Prometheus ${endpoints.observability.prometheus}`)
  }
  lines.push(`endpoints and demo API keys: ${endpointsPath}`)
  return lines
}

export function renderStatus(status: readonly RegionStatus[]): string[] {
  return status.map((r) => {
    const services = Object.entries(r.services)
      .map(([name, v]) => `${name} ${v.ready ? 'ready' : 'NOT READY'}`)
      .join(', ')
    return `${r.region.padEnd(15)} ${r.role.padEnd(7)} write path ${r.writePath.padEnd(4)} lag ${String(r.replicationLagMs ?? '?').padStart(5)} ms  ${services}`
  })
}

/** One line on the durability the writer gives now, then a line per instance that cannot be read. */
export function renderDurability(s: DurabilityStatus): string[] {
  const writer = s.instances[s.writer]
  const unreadable = Object.entries(s.instances).flatMap(([region, i]) => ('error' in i ? [`  ${region}: semi-sync state unknown (${i.error})`] : []))
  const started = s.observed === s.mode ? '' : ` (started ${s.mode}, ${s.observed} now)`
  if ('error' in writer || s.observed === 'async') return [`durability ${s.observed}${started}: a sale is acknowledged once the writer ${s.writer} has it`, ...unreadable]
  const acking = Object.entries(s.instances)
    .filter(([region, i]) => region !== s.writer && !('error' in i) && i.slaveActive)
    .map(([region]) => region)
  const counts = `${writer.yesTx} commits acknowledged by a replica, ${writer.noTx} not`
  const head = s.semiSyncActive
    ? `durability semi-sync ACTIVE${started} at writer ${s.writer}: a sale is acknowledged once a replica has it (${writer.clients} replicas connected, acking: ${acking.join(', ') || 'none'}; ${counts})`
    : `durability semi-sync FELL BACK TO ASYNC${started} at writer ${s.writer}: no replica acknowledged within ${writer.timeoutMs} ms, so sales are acknowledged unreplicated until a replica catches up (${writer.clients} replicas connected; ${counts})`
  return [head, ...unreadable]
}

export function allReady(status: readonly RegionStatus[]): boolean {
  return status.every((r) => Object.values(r.services).every((v) => v.ready))
}

export function renderProgress(elapsedS: number, totalS: number, completed: number, errors: number): string {
  const width = 30
  const filled = Math.max(0, Math.min(width, Math.round((elapsedS / totalS) * width)))
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.min(elapsedS, totalS).toFixed(0)}/${totalS} s  ${completed} requests  ${errors} errors`
}

export function renderSweepStep(step: SweepStep): string {
  const regions = Object.entries(step.regions).map(([r, v]) => `${r} +${v.overheadP99Ms.toFixed(1)} ms p99${v.errors ? ` ${v.errors} errors` : ''}`)
  return `  ${String(step.rate).padStart(5)}/s  ${regions.join('   ')}`
}

export function renderSustained(sustained: Record<string, number>): string {
  return `highest sustained checkout rate per region: ${Object.entries(sustained)
    .map(([r, v]) => `${r} ${v}/s`)
    .join(', ')}`
}

const ms = (n: number) => n.toFixed(2).padStart(8)

export const benchReadHeader = [
  'local catalog read (GET /v1/catalog/items), ms from scheduled send',
  `${'region'.padEnd(16)}${'count'.padStart(8)}${'errors'.padStart(8)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`,
]

export function renderBenchRead(r: BenchReadRow): string {
  return `${r.region.padEnd(16)}${String(r.count).padStart(8)}${String(r.errors).padStart(8)}${ms(r.p50)}${ms(r.p90)}${ms(r.p99)}${ms(r.max)}`
}

export const benchWriteHeader = [
  '\nsale commit (POST /v1/sales, one round trip to the writer), ms',
  `${'region'.padEnd(16)}${'count'.padStart(8)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'RTT floor'.padStart(11)}${'p50-RTT'.padStart(9)}`,
]

export function renderBenchWrite(r: BenchWriteRow): string {
  return `${r.region.padEnd(16)}${String(r.count).padStart(8)}${ms(r.p50)}${ms(r.p99)}${ms(r.floorMs).padStart(11)}${ms(r.p50 - r.floorMs).padStart(9)}`
}

export const saturationHeader = [
  'closed loop: requests/s and CPU ms of the serving process per 1,000 reads; open loop at 80 %: latency in ms',
  `${'region'.padEnd(16)}${'read'.padEnd(9)}${'side'.padEnd(10)}${'req/s'.padStart(8)}${'errors'.padStart(8)}${'cpu/1k'.padStart(8)}${'db/1k'.padStart(8)}${'at 80 %'.padStart(9)}${'p50'.padStart(8)}${'p99'.padStart(8)}`,
]

function saturationSide(s: SaturationSide): string {
  const c = s.closedLoop
  const o = s.openLoop
  return `${String(c.requestsPerSecond).padStart(8)}${String(c.errors + o.errors).padStart(8)}${String(c.cpuMsPer1000).padStart(8)}${String(c.dbCpuMsPer1000).padStart(8)}${String(o.rate).padStart(9)}${ms(o.p50)}${ms(o.p99)}`
}

export function renderSaturationRead(region: string, read: SaturatedRead, r: SaturationRead): string[] {
  return [
    `${region.padEnd(16)}${read.padEnd(9)}${'platform'.padEnd(10)}${saturationSide(r.platform)}`,
    `${''.padEnd(16)}${''.padEnd(9)}${'bare'.padEnd(10)}${saturationSide(r.bare)}`,
    `${''.padEnd(16)}${''.padEnd(9)}platform ÷ bare: ${r.throughputRatio.toFixed(2)}× throughput, ${r.cpuRatio.toFixed(2)}× CPU per read${r.ledgerRows === undefined ? '' : `; stock summed over a ledger of ${r.ledgerRows} row${r.ledgerRows === 1 ? '' : 's'}`}`,
  ]
}
