import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { DEFAULT_DB_WRITE_TIMEOUT_MS } from '@pos-fleet/platform/config'
import { answerBoundMs } from '@pos-fleet/platform/deadline'
import { type RegionId, REGION_IDS, isRegionId } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import { databaseUrls } from '../infra/mariadb.js'
import { type FaultMode, type FaultOptions, injectFault } from '../infra/toxiproxy.js'
import { awaitInvariants } from './invariants.js'
import { type DrillStore, type PosLoad, type RegionReport, type SlowestAnswer, readBaseline, startPosLoad } from './load.js'

export type { RegionReport, SlowestAnswer } from './load.js'

/**
 * A deliberately broken invariant, to prove the drill fails when one breaks:
 * `double-sale` sends one sale twice under two Idempotency-Keys (a terminal that lost its
 * key), so the writer holds two sales for the one the customer made.
 */
export const BROKEN_INVARIANTS = ['double-sale'] as const
export type BrokenInvariant = (typeof BROKEN_INVARIANTS)[number]

export interface DrillOptions {
  region: RegionId
  partitionMs: number
  /** How the links fail. @default 'blackhole' */
  mode?: FaultMode
  faultOptions?: FaultOptions
  /** Longest acceptable answer to a sale or restock. @default DB_WRITE_TIMEOUT_MS + ANSWER_MARGIN_MS */
  answerBoundMs?: number
  inject?: BrokenInvariant
  /** Sales per second per terminal (each region has one terminal per merchant). */
  rate: number
  convergeTimeoutMs: number
  log: (line: string) => void
}

export interface DrillReport {
  region: RegionId
  mode: FaultMode
  partitionMs: number
  perRegion: Record<RegionId, RegionReport>
  accepted: number
  /** Requests that never got a definitive answer (no answer or 5xx through every retry), and how many the writer holds. */
  inDoubt: { total: number; committed: number }
  reconciled: number
  lost: number
  duplicated: number
  paymentsCapturedOnce: boolean
  paymentsNotSettled: number
  stockConverged: boolean
  stockMismatches: string[]
  oversold: Array<{ storeId: string; sku: string; onHand: number }>
  convergeMs: number | null
  /** Heal → the last offline sale committed at the writer (its created_at there), or null if not all were. */
  reconcileMs: number | null
  /** Offline sales ÷ reconcileMs: the rate the reconcilers replayed what the partition queued. */
  reconciledPerSecond: number | null
  /** The first replayed commit after the heal → the last: the replay without the write path's reopening. */
  replayMs: number | null
  /** The slowest answer any terminal or manager waited for during the drill. */
  slowestAnswer: SlowestAnswer
  answerBoundMs: number
  withinAnswerBound: boolean
  inject: BrokenInvariant | null
  ok: boolean
}

/** Runs during the warm-up, before the fault, so its effect does not depend on the mode. */
async function injectBrokenInvariant(load: PosLoad, inject: BrokenInvariant | undefined, s: DrillStore, afterMs: number): Promise<void> {
  if (!inject) return
  await sleep(afterMs)
  // One cash sale (n = 0) twice, booked as one. Its stock effect is booked, so only the
  // duplicate check can catch it.
  const intent = load.newIntent()
  await load.sell(s, 0, intent)
  const second = await load.sell(s, 0, intent)
  if (!second) return
  load.accepted.splice(load.accepted.indexOf(second), 1)
  for (const l of second.lines) load.extraLines.push({ storeId: second.storeId, sku: l.sku, quantity: l.quantity })
}

/**
 * Cuts one region's WAN links while every region's terminals keep selling and its
 * inventory managers keep restocking; heals; waits for convergence; then checks the
 * invariants against the writer's database, the gateway's ledger and every region's
 * stock answer.
 */
export async function runPartitionDrill(endpoints: Endpoints, o: DrillOptions): Promise<DrillReport> {
  const mode = o.mode ?? 'blackhole'
  const bound = o.answerBoundMs ?? answerBoundMs(DEFAULT_DB_WRITE_TIMEOUT_MS)
  const baseline = await readBaseline(endpoints)
  const warmupMs = 2_000
  const tailMs = 2_000
  const load = startPosLoad(endpoints, { rate: o.rate })
  const injected = injectBrokenInvariant(load, o.inject, load.stores[0]!, warmupMs / 2)

  o.log(`drill: ${load.stores.length} terminals selling at ${o.rate}/s each; ${mode} on ${o.region}'s links in ${warmupMs / 1000} s for ${o.partitionMs / 1000} s`)
  await sleep(warmupMs)
  const fault = await injectFault(o.region, mode, o.faultOptions)
  let healedAt: number
  let healedAtWall: number
  try {
    o.log(`drill: ${o.region} ${mode === 'refuse' ? 'cut off' : mode}`)
    await sleep(o.partitionMs)
  } finally {
    await fault.heal()
    healedAt = performance.now()
    healedAtWall = Date.now()
  }
  o.log(`drill: ${o.region} healed; selling on for ${tailMs / 1000} s`)
  await sleep(tailMs)
  await Promise.all([load.stop(), injected])

  const verdict = await awaitInvariants(endpoints, load, baseline, o.convergeTimeoutMs)
  const converged = verdict.convergedAt !== null
  const offline = load.accepted.filter((a) => a.mode === 'offline').map((a) => a.saleId)
  const commits = await replayCommits(endpoints, offline, healedAtWall)
  const reconcileMs = commits === null ? null : Math.max(0, Math.round(commits.lastMs - healedAtWall))
  const slowest = load.slowest()
  const withinAnswerBound = slowest.status !== null && slowest.ms <= bound
  return {
    region: o.region,
    mode,
    partitionMs: o.partitionMs,
    perRegion: load.perRegion,
    accepted: load.accepted.length + load.restocks.length,
    inDoubt: verdict.inDoubt,
    reconciled: converged ? load.accepted.filter((a) => a.mode === 'offline').length : 0,
    lost: verdict.lost,
    duplicated: verdict.duplicated,
    paymentsCapturedOnce: verdict.paymentsCapturedOnce,
    paymentsNotSettled: verdict.unsettled,
    stockConverged: verdict.mismatches.length === 0,
    stockMismatches: [...verdict.mismatches],
    oversold: verdict.oversold,
    convergeMs: verdict.convergedAt === null ? null : Math.round(verdict.convergedAt - healedAt),
    reconcileMs,
    reconciledPerSecond: reconcileMs === null ? null : Math.round(offline.length / Math.max(reconcileMs / 1000, 0.001)),
    replayMs: commits === null || commits.firstAfterHealMs === null ? null : Math.round(commits.lastMs - commits.firstAfterHealMs),
    slowestAnswer: slowest,
    answerBoundMs: bound,
    withinAnswerBound,
    inject: o.inject ?? null,
    ok: converged && verdict.duplicated === 0 && verdict.paymentsCapturedOnce && withinAnswerBound,
  }
}

/**
 * When the writer committed these sales, from its own clock (ms since the epoch; the drill runs
 * on the fleet's host, so one clock): the last of them, and the first after the heal (a sale
 * whose answer the cut lost was committed before it). Null unless the writer holds every one.
 */
async function replayCommits(endpoints: Endpoints, saleIds: readonly string[], healedAtMs: number): Promise<{ lastMs: number; firstAfterHealMs: number | null } | null> {
  if (saleIds.length === 0) return null
  const db = await mysql.createConnection({ uri: databaseUrls(endpoints.writer, endpoints.writer).migrate })
  try {
    const at = 'UNIX_TIMESTAMP(created_at) * 1000'
    const [rows] = (await db.query(`SELECT COUNT(*) AS n, MAX(${at}) AS lastMs, MIN(IF(${at} >= ?, ${at}, NULL)) AS firstMs FROM sales WHERE id IN (?)`, [healedAtMs, saleIds])) as [
      Array<{ n: number; lastMs: string | number | null; firstMs: string | number | null }>,
      unknown,
    ]
    const row = rows[0]
    if (!row || Number(row.n) !== saleIds.length || row.lastMs === null) return null
    return { lastMs: Number(row.lastMs), firstAfterHealMs: row.firstMs === null ? null : Number(row.firstMs) }
  } finally {
    await db.end()
  }
}

export function parseDrillRegion(raw: string | undefined, writer: RegionId): RegionId {
  if (!raw) throw new Error('--region is required, e.g. --region eu-central-1')
  if (!isRegionId(raw)) throw new Error(`--region must be one of ${REGION_IDS.join(', ')} (got "${raw}")`)
  if (raw === writer) throw new Error(`--region ${raw} is the writer: cutting it is a failover, not a partition of a reader (use drill failover)`)
  return raw
}

export function parseBrokenInvariant(raw: string | undefined): BrokenInvariant | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!(BROKEN_INVARIANTS as readonly string[]).includes(raw)) throw new Error(`POS_DRILL_INJECT must be one of ${BROKEN_INVARIANTS.join(', ')} (got "${raw}")`)
  return raw as BrokenInvariant
}

const sec = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`)

export function formatReport(r: DrillReport): string {
  const lines = [`partition drill: ${r.region}'s WAN links ${r.mode} for ${r.partitionMs / 1000} s${r.inject ? ` (injected broken invariant: ${r.inject})` : ''}`, '']
  lines.push(`${'region'.padEnd(16)}${'sales online'.padStart(13)}${'offline'.padStart(9)}${'refused'.padStart(9)}${'restocks on'.padStart(13)}${'offline'.padStart(9)}`)
  for (const [region, v] of Object.entries(r.perRegion)) {
    lines.push(
      `${region.padEnd(16)}${String(v.salesOnline).padStart(13)}${String(v.salesOffline).padStart(9)}${String(v.refused).padStart(9)}${String(v.restocksOnline).padStart(13)}${String(v.restocksOffline).padStart(9)}`,
    )
  }
  lines.push(
    '',
    `accepted (sales + restocks)   ${r.accepted}`,
    `reconciled offline sales      ${r.reconciled}`,
    `reconciled sales per second   ${r.reconciledPerSecond === null ? 'n/a' : `${r.reconciledPerSecond} (the last offline sale committed at the writer ${sec(r.reconcileMs)} after the heal; the replay itself ${sec(r.replayMs)} from its first commit)`}`,
    `in doubt (never answered)     ${r.inDoubt.total}, of them committed ${r.inDoubt.committed}`,
    `lost                          ${r.lost}${r.lost === 0 ? '' : '   <-- FAIL'}`,
    `duplicated                    ${r.duplicated}${r.duplicated === 0 ? '' : '   <-- FAIL'}`,
    `payments captured exactly once ${r.paymentsCapturedOnce ? 'yes' : 'NO   <-- FAIL'} (${r.paymentsNotSettled} not settled)`,
    `stock identical everywhere and = sum of accepted deltas  ${r.stockConverged ? 'yes' : 'NO   <-- FAIL'}`,
    ...r.stockMismatches.map((m) => `    ${m}`),
    `oversold SKUs                 ${r.oversold.length === 0 ? 'none' : r.oversold.map((x) => `${x.storeId}/${x.sku}=${x.onHand}`).join(', ')}`,
    `time to converge after heal   ${r.convergeMs === null ? 'did not converge' : `${(r.convergeMs / 1000).toFixed(1)} s`}`,
    `slowest answer                ${(r.slowestAnswer.ms / 1000).toFixed(2)} s (${r.slowestAnswer.kind}, ${r.slowestAnswer.status ?? 'no answer'}); bound ${(r.answerBoundMs / 1000).toFixed(1)} s${r.withinAnswerBound ? '' : '   <-- FAIL'}`,
    '',
    r.ok ? 'PASS' : 'FAIL',
  )
  return lines.join('\n')
}
