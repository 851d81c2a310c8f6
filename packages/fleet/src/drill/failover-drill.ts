import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { type RegionId, regions } from '@pos-fleet/topology'
import { type Endpoints, endpointsFile, withWriter, writeEndpoints } from '../endpoints.js'
import { acknowledgedLossPossible, durabilityStatus, recordedDurability } from '../durability.js'
import { FleetError } from '../errors.js'
import { findErrant, replayErrant, rewindToPromotion } from '../failover/errant.js'
import { acquireFailoverLock } from '../failover/lock.js'
import { type FailoverStep, stepRecorder } from '../failover/steps.js'
import { preflight, relocatePaymentsWorker } from '../failover/switchover.js'
import {
  type Candidate,
  detectWriterDeath,
  fenceLostWriter,
  loseWriterRegion,
  promoteSurvivor,
  provenFenced,
  rankSurvivors,
  rejoinAsReplica,
  reopenWritePath,
  repointSurvivors,
  restartFenced,
} from '../failover/unplanned.js'
import { databaseUrls } from '../infra/mariadb.js'
import { holdReplication } from '../infra/toxiproxy.js'
import { awaitInvariants } from './invariants.js'
import { type PosLoad, type RegionReport, readBaseline, startPosLoad } from './load.js'

export interface FailoverDrillOptions {
  /** The region to promote; default: the most advanced survivor by GTID. */
  readonly to?: RegionId
  /** Sales per second per terminal. */
  readonly rate: number
  /**
   * How long replication to every replica is held before the writer dies (a congested WAN):
   * what the writer commits meanwhile is on no replica, so an asynchronous fleet loses
   * acknowledged sales in the crash, for the drill to recover. @default 0
   */
  readonly lagMs?: number
  readonly convergeTimeoutMs: number
  readonly log: (line: string) => void
}

export interface FailoverDrillReport {
  readonly from: RegionId
  readonly to: RegionId
  /** The durability mode in force when the writer died, and whether acknowledged sales could be lost. */
  readonly durability: { readonly mode: string; readonly semiSyncActive: boolean; readonly acknowledgedLossPossible: boolean }
  readonly candidates: readonly Candidate[]
  readonly perRegion: Record<RegionId, RegionReport>
  readonly accepted: number
  /** Requests that never got a definitive answer (no answer or 5xx through every retry), and how many the writer holds. */
  readonly inDoubt: { readonly total: number; readonly committed: number }
  /** Sales answered 202 (queued in their region's Kafka) and how many of them are committed now. */
  readonly provisional: number
  readonly reconciled: number
  /** Acknowledged (201) sales the new writer lacked at promotion: the RPO, in sales. */
  readonly rpoSalesAtPromotion: number
  readonly lagMs: number
  readonly errant: { readonly gtids: number; readonly sales: number; readonly restocks: number; readonly recovered: number }
  readonly fence: string
  readonly lost: number
  readonly duplicated: number
  readonly paymentsCapturedOnce: boolean
  readonly paymentsNotSettled: number
  readonly stockConverged: boolean
  readonly stockMismatches: readonly string[]
  /** Writer death → first sale committed at the new writer; → every provisional sale reconciled; → old writer rejoined. */
  readonly rto: { readonly firstCommitMs: number | null; readonly reconciledMs: number | null; readonly rejoinedMs: number }
  readonly steps: readonly FailoverStep[]
  readonly ok: boolean
}

/** Which of `ids` the database holds in `table`. */
async function present(db: mysql.Connection, table: 'sales' | 'inventory_deltas', ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const column = table === 'sales' ? 'id' : 'delta_id'
  const [rows] = (await db.query(`SELECT ${column} AS id FROM ${table} WHERE ${column} IN (?)`, [ids])) as [Array<{ id: string }>, unknown]
  return new Set(rows.map((r) => r.id))
}

/** Polls the writer at `uri`, over one connection, until it holds every id `ids()` names at that moment. */
async function waitPresent(uri: string, table: 'sales' | 'inventory_deltas', ids: () => readonly string[], timeoutMs: number): Promise<number> {
  const db = await mysql.createConnection({ uri })
  try {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const want = ids()
      const have = await present(db, table, want)
      if (have.size === want.length) return want.length
      if (performance.now() > deadline) throw new Error(`${want.length - have.size} of ${want.length} ${table} rows still missing at the writer after ${timeoutMs} ms`)
      await sleep(250)
    }
  } finally {
    await db.end().catch(() => db.destroy())
  }
}

/** endpoints.json during the failover: the new writer, payments-worker where it runs (or nowhere yet), the lost writer fenced. */
function fencedEndpoints(endpoints: Endpoints, writer: RegionId, paymentsWorker: RegionId | null, fenced: RegionId): Endpoints {
  const e = withWriter(endpoints, writer, paymentsWorker)
  return { ...e, regions: { ...e.regions, [fenced]: { ...e.regions[fenced], fenced: true } } }
}

/** The first sale sent after `since` that was committed (201), i.e. through the new writer. */
function firstCommitAfter(load: PosLoad, since: number): number | undefined {
  const times = load.accepted.filter((a) => a.mode === 'online' && a.sentAt > since).map((a) => a.answeredAt)
  return times.length ? Math.min(...times) : undefined
}

/**
 * The writer region is lost under load in every region: its MariaDB and payments-worker are
 * SIGKILLed. Every region keeps selling (provisionally, through store-and-forward) while the
 * drill detects the death, fences the old writer, promotes the most advanced survivor,
 * re-points every replica and write path, moves payments-worker, waits for the queued sales to
 * reconcile, restarts the old writer fenced, recovers its errant transactions and rejoins it as a
 * replica. Then it checks the invariants and reports RPO, RTO and the budget of each step.
 */
export async function runFailoverDrill(endpoints: Endpoints, o: FailoverDrillOptions): Promise<FailoverDrillReport> {
  const from = endpoints.writer
  if (o.to) await preflight(endpoints, o.to)
  else if ((await Promise.allSettled(regions.filter((r) => r.id !== from).map((r) => preflight(endpoints, r.id)))).every((p) => p.status === 'rejected')) {
    throw new FleetError(`no surviving region has a healthy, caught-up replica of ${from}: nothing changed`, { exitCode: 2 })
  }
  const release = acquireFailoverLock()
  try {
    return await failOver(endpoints, o)
  } finally {
    release()
  }
}

async function failOver(endpoints: Endpoints, o: FailoverDrillOptions): Promise<FailoverDrillReport> {
  const from = endpoints.writer
  const durability = recordedDurability(endpoints)
  const baseline = await readBaseline(endpoints)
  const warmupMs = 4_000
  const load = startPosLoad(endpoints, { rate: o.rate })
  const { steps, step } = stepRecorder(o.log)
  const since = (t: number) => Math.round(performance.now() - t)

  o.log(`drill: ${load.stores.length} terminals selling at ${o.rate}/s each; ${from} (the writer, ${durability}) is lost in ${warmupMs / 1000} s`)
  await sleep(warmupMs)
  // Read just before the death: semi-sync may have fallen back to async under the load.
  const semiSync = await durabilityStatus(endpoints)
  const lagMs = o.lagMs ?? 0
  const held = lagMs > 0 ? await holdReplication(from) : undefined
  if (held) {
    o.log(`drill: replication from ${from} held in the WAN for ${lagMs} ms`)
    await sleep(lagMs)
  }
  await loseWriterRegion(from)
  const deathAt = performance.now()
  // What the WAN held died with the writer; the replicas' connections close.
  await held?.heal()
  o.log(`drill: ${from}'s MariaDB and payments-worker SIGKILLed`)

  let ranked: Candidate[] = []
  let to: RegionId = from
  let promotionGtid = ''
  let rpoSales = 0
  let fence = ''
  let errant = { gtids: 0, sales: 0, restocks: 0, recovered: 0 }
  let firstCommitAt: number | undefined
  let reconciledAt: number | null = null
  let rejoinedAt = deathAt
  try {
    await step('detect', () => detectWriterDeath(from), (d) => `${d.failedProbes} failed health probes of ${from}`)
    await step('fence', () => fenceLostWriter(from, durability), () => `every global write path cut; ${from}'s my.cnf read_only + skip-slave-start`)
    ranked = await step('choose', () => rankSurvivors(from), (r) => r.map((c) => `${c.region} ${c.behind === 0 ? 'most advanced' : `${c.behind} behind`}`).join(', '))
    to = o.to ?? ranked[0]!.region
    promotionGtid = await step('promote', () => promoteSurvivor(to, ranked), (gtid) => `${to} writable at ${gtid}`)
    // Acknowledged before the death and absent from the new writer: lost in the crash, for now.
    const acknowledged = load.accepted.filter((a) => a.mode === 'online' && a.answeredAt <= deathAt).map((a) => a.saleId)
    const newWriter = databaseUrls(to, to).migrate
    const db = await mysql.createConnection({ uri: newWriter })
    rpoSales = acknowledged.length - (await present(db, 'sales', acknowledged).finally(() => db.end())).size
    await step('re-point replicas', () => repointSurvivors(to, from), () => `${regions.filter((r) => r.id !== to && r.id !== from).map((r) => r.id).join(', ')} follow ${to}`)
    await step('re-point write paths', () => reopenWritePath(to, endpoints.wanScale), () => `every region writes to ${to}`)
    // The reconcilers start now, while payments-worker moves: watched from here, not after it.
    const provisionalIds = () => load.accepted.filter((a) => a.mode === 'offline').map((a) => a.saleId)
    const reconciling = waitPresent(newWriter, 'sales', provisionalIds, o.convergeTimeoutMs).then((n) => {
      reconciledAt = performance.now()
      return n
    })
    reconciling.catch(() => undefined)
    writeEndpoints(endpointsFile, fencedEndpoints(endpoints, to, null, from))
    await step('relocate payments-worker', () => relocatePaymentsWorker(from, to), () => `${from} (dead) → ${to}`)
    writeEndpoints(endpointsFile, fencedEndpoints(endpoints, to, to, from))
    await step('first sale committed', async () => {
      while ((firstCommitAt = firstCommitAfter(load, deathAt)) === undefined && since(deathAt) < 60_000) await sleep(100)
    }, () => (firstCommitAt ? `at +${Math.round(firstCommitAt - deathAt)} ms after the death` : 'none within 60 s'))
    await step('reconcile', () => reconciling, (n) => `${n} provisional sales committed at ${to}, the last at +${Math.round(reconciledAt! - deathAt)} ms after the death`)
    fence = await step('restart old writer fenced', async () => {
      await restartFenced(from)
      return provenFenced(from, to)
    }, (why) => `${from} up read-only, replicating from nobody; ${why}`)
    const found = await step('find errant transactions', () => findErrant(from, promotionGtid), (e) => `${e.gtids} GTIDs beyond ${promotionGtid}: ${e.saleIds.length} sales, ${e.deltaIds.length} restocks`)
    const queued = await step('recover errant', async () => {
      const n = await replayErrant(from, found)
      await waitPresent(newWriter, 'sales', () => found.saleIds, o.convergeTimeoutMs)
      await waitPresent(newWriter, 'inventory_deltas', () => found.deltaIds, o.convergeTimeoutMs)
      return n
    }, (n) => `${n} replayed through store-and-forward under their own ids; all at ${to}`)
    // waitPresent threw unless every errant sale and restock is at the new writer now.
    errant = { gtids: found.gtids, sales: found.saleIds.length, restocks: found.deltaIds.length, recovered: queued }
    await step('rejoin old writer', async () => {
      await rewindToPromotion(from, promotionGtid, found.gtids)
      await rejoinAsReplica(from, to, durability)
    }, () => `${from} rewound to ${promotionGtid} (flashback), replicating from ${to}`)
    rejoinedAt = performance.now()
    writeEndpoints(endpointsFile, withWriter(endpoints, to, to))
  } catch (error) {
    const done = steps.map((s) => s.step)
    throw new FleetError(
      `failover drill stopped after ${done.length ? `'${done.at(-1)}'` : 'the writer died'} (done: ${done.join(', ') || 'nothing'}): the fleet is left part-way — inspect it with \`pnpm fleet status\`, or start over with \`pnpm fleet down\` and \`pnpm fleet up --detach\``,
      { cause: error },
    )
  } finally {
    await sleep(2_000)
    await load.stop()
  }

  const after = withWriter(endpoints, to, to)
  const verdict = await awaitInvariants(after, load, baseline, o.convergeTimeoutMs)
  const provisional = load.accepted.filter((a) => a.mode === 'offline').length
  const semiSyncActive = semiSync.semiSyncActive
  const report = {
    from,
    to,
    durability: { mode: durability, semiSyncActive, acknowledgedLossPossible: acknowledgedLossPossible(semiSync) },
    candidates: ranked,
    perRegion: load.perRegion,
    accepted: load.accepted.length + load.restocks.length,
    inDoubt: verdict.inDoubt,
    provisional,
    reconciled: verdict.convergedAt === null ? 0 : provisional,
    rpoSalesAtPromotion: rpoSales,
    lagMs,
    errant,
    fence,
    lost: verdict.lost,
    duplicated: verdict.duplicated,
    paymentsCapturedOnce: verdict.paymentsCapturedOnce,
    paymentsNotSettled: verdict.unsettled,
    stockConverged: verdict.mismatches.length === 0,
    stockMismatches: verdict.mismatches,
    rto: {
      firstCommitMs: firstCommitAt === undefined ? null : Math.round(firstCommitAt - deathAt),
      reconciledMs: reconciledAt === null ? null : Math.round(reconciledAt - deathAt),
      rejoinedMs: Math.round(rejoinedAt - deathAt),
    },
    steps,
  }
  // Under semi-sync an acknowledged sale is on a replica before its 201: none may be missing at promotion.
  const rpoOk = report.durability.acknowledgedLossPossible || rpoSales === 0
  return { ...report, ok: verdict.convergedAt !== null && verdict.duplicated === 0 && verdict.paymentsCapturedOnce && rpoOk && errant.recovered >= errant.sales }
}

export function formatFailoverReport(r: FailoverDrillReport): string {
  const fail = (bad: boolean) => (bad ? '   <-- FAIL' : '')
  const lines = [`failover drill: writer ${r.from} lost (MariaDB and payments-worker SIGKILLed${r.lagMs ? ` after ${r.lagMs} ms of replication held in the WAN` : ''}); ${r.to} promoted; durability ${r.durability.mode}${r.durability.semiSyncActive ? ' (active)' : ''}`, '']
  lines.push(`${'region'.padEnd(16)}${'sales online'.padStart(13)}${'offline'.padStart(9)}${'refused'.padStart(9)}${'restocks on'.padStart(13)}${'offline'.padStart(9)}`)
  for (const [region, v] of Object.entries(r.perRegion)) {
    lines.push(`${region.padEnd(16)}${String(v.salesOnline).padStart(13)}${String(v.salesOffline).padStart(9)}${String(v.refused).padStart(9)}${String(v.restocksOnline).padStart(13)}${String(v.restocksOffline).padStart(9)}`)
  }
  lines.push('', 'failover budget')
  for (const s of r.steps) lines.push(`  ${s.step.padEnd(28)}${`${(s.ms / 1000).toFixed(2)} s`.padStart(9)}  ${s.detail ?? ''}`)
  const sec = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`)
  lines.push(
    '',
    `accepted (sales + restocks)     ${r.accepted}`,
    `provisional (202) / reconciled  ${r.provisional} / ${r.reconciled}`,
    `in doubt (never answered)       ${r.inDoubt.total}, of them committed ${r.inDoubt.committed}`,
    `RPO at promotion                ${r.rpoSalesAtPromotion} acknowledged sales missing on ${r.to}${fail(!r.durability.acknowledgedLossPossible && r.rpoSalesAtPromotion > 0)}`,
    `errant on ${r.from.padEnd(21)} ${r.errant.gtids} GTIDs: ${r.errant.sales} sales, ${r.errant.restocks} restocks; ${r.errant.recovered} recovered${fail(r.errant.recovered < r.errant.sales)}`,
    `fenced old writer               ${r.fence}`,
    `lost                            ${r.lost}${fail(r.lost !== 0)}`,
    `duplicated                      ${r.duplicated}${fail(r.duplicated !== 0)}`,
    `payments captured exactly once  ${r.paymentsCapturedOnce ? 'yes' : 'NO'}${fail(!r.paymentsCapturedOnce)} (${r.paymentsNotSettled} not settled)`,
    `stock identical everywhere      ${r.stockConverged ? 'yes' : 'NO'}${fail(!r.stockConverged)}`,
    ...r.stockMismatches.map((m) => `    ${m}`),
    `RTO: first sale at ${r.to.padEnd(12)} ${sec(r.rto.firstCommitMs)} after the death`,
    `RTO: every provisional sale in  ${sec(r.rto.reconciledMs)}`,
    `old writer rejoined as replica  ${sec(r.rto.rejoinedMs)}`,
    '',
    r.ok ? 'PASS' : 'FAIL',
  )
  return lines.join('\n')
}
