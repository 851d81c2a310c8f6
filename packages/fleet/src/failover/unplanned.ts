/**
 * The steps of an unplanned failover, after the writer region is lost: detect, fence, choose
 * and promote the most advanced survivor, re-point, relocate payments-worker, and later bring
 * the crashed writer back fenced, recover its errant transactions and rejoin it as a replica.
 * `drill/failover-drill.ts` runs them in order under load and measures each.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { type RegionId, region as regionSpec, regions } from '@pos-fleet/topology'
import type { Durability } from '@pos-fleet/topology/durability'
import { DB_USERS } from '@pos-fleet/topology/database'
import { driverError } from '@pos-fleet/platform/db/errors'
import {
  admin,
  binlogGtid,
  currentGtid,
  databaseUrls,
  followWriter,
  promoteToWriter,
  replicationStatus,
  startRegionDb,
  waitReplicaCaughtUp,
  writeRegionConfig,
} from '../infra/mariadb.js'
import { isRunning, listProcesses } from '../infra/processes.js'
import { repointGlobalProxies, setGlobalProxies } from '../infra/toxiproxy.js'
import { signalService } from '../services.js'
import { missingTransactions } from './gtid.js'

/** What a lost writer region loses here: its database and payments-worker, killed without warning. */
export function writerRegionProcesses(writer: RegionId): string[] {
  return [`mariadb-${writer}`, `payments-worker-${writer}`]
}

/** SIGKILLs the writer region's database and payments-worker and waits until both are gone. */
export async function loseWriterRegion(writer: RegionId): Promise<void> {
  const names = writerRegionProcesses(writer)
  for (const name of names) signalService(name, 'SIGKILL')
  for (let i = 0; i < 100; i++) {
    if (listProcesses().filter((p) => names.includes(p.name)).every((p) => !isRunning(p))) return
    await sleep(50)
  }
  throw new Error(`${names.join(' and ')} still run after SIGKILL`)
}

/** One health probe of a database, as a monitor would: connect over TCP and run a query, within `timeoutMs`. */
async function probe(region: RegionId, timeoutMs: number): Promise<boolean> {
  const { user, password } = DB_USERS.monitor
  try {
    const db = await mysql.createConnection({ host: '127.0.0.1', port: regionSpec(region).ports.mariadb, user, password, connectTimeout: timeoutMs })
    try {
      await db.query({ sql: 'SELECT 1', timeout: timeoutMs })
      return true
    } finally {
      db.destroy()
    }
  } catch {
    return false
  }
}

export interface Detection {
  readonly failedProbes: number
  readonly ms: number
}

/**
 * The writer is declared dead after `failures` consecutive failed probes `intervalMs` apart
 * (each bounded by `timeoutMs`, so a blackholed host is noticed like a refused one). One failure
 * is not enough: a single lost probe must not start a failover.
 */
export async function detectWriterDeath(writer: RegionId, o: { intervalMs?: number; failures?: number; timeoutMs?: number; giveUpMs?: number } = {}): Promise<Detection> {
  const { intervalMs = 500, failures = 3, timeoutMs = 1_000, giveUpMs = 60_000 } = o
  const started = performance.now()
  let consecutive = 0
  while (performance.now() - started < giveUpMs) {
    consecutive = (await probe(writer, timeoutMs)) ? 0 : consecutive + 1
    if (consecutive >= failures) return { failedProbes: consecutive, ms: Math.round(performance.now() - started) }
    await sleep(intervalMs)
  }
  throw new Error(`${writer} kept answering its health probe for ${giveUpMs} ms: not failing over a live writer`)
}

/**
 * Fences the lost writer, before anything is promoted, so it can never take a write again on
 * its own: (1) every region's global write path is cut, so no service reaches it even if it
 * came back; the write path reopens only aimed at the new writer; (2) its my.cnf is rewritten
 * read-only with skip-slave-start, so when it restarts it refuses application writes (the app
 * accounts hold no server-wide privilege, so read_only binds them) and replicates from nobody
 * until it has rejoined.
 */
export async function fenceLostWriter(writer: RegionId, durability: Durability): Promise<void> {
  await setGlobalProxies(false)
  // Its role under any other writer is "replica": read_only, replica durability.
  const other = regions.find((r) => r.id !== writer)!.id
  await writeRegionConfig(writer, other, durability, { fenced: true })
}

export interface Candidate {
  readonly region: RegionId
  /** Everything its IO thread received from the lost writer (applied or still in the relay log). */
  readonly received: string
  /** Transactions the most advanced survivor received that this one did not. */
  readonly behind: number
}

/** The survivors, most advanced first by what they received: the best promotion is the first. */
export async function rankSurvivors(lost: RegionId): Promise<Candidate[]> {
  const survivors = regions.filter((r) => r.id !== lost).map((r) => r.id)
  const received = await Promise.all(
    survivors.map(async (region) => {
      const status = await replicationStatus(region)
      // gtid_current_pos covers what it applied; Gtid_IO_Pos what it also holds unapplied.
      const applied = await currentGtid(region)
      const io = status?.gtidIoPos ?? ''
      return { region, received: io && missingTransactions(io, applied) > 0 ? io : applied }
    }),
  )
  const best = received.reduce((a, b) => (missingTransactions(b.received, a.received) > 0 ? b : a))
  return received
    .map((c) => ({ ...c, behind: missingTransactions(best.received, c.received) }))
    .sort((a, b) => a.behind - b.behind)
}

/**
 * Promotes `target`: first it takes from a more advanced survivor what it lacks (so choosing a
 * region with `--to` costs no data), then applies its whole relay log, stops replicating and
 * accepts writes. Returns its GTID position at promotion: everything the new writer has of the
 * old one, where the old writer's errant transactions begin.
 */
export async function promoteSurvivor(target: RegionId, ranked: readonly Candidate[], catchUpMs = 15_000): Promise<string> {
  const self = ranked.find((c) => c.region === target)!
  const ahead = ranked[0]!
  await admin(target, (db) => db.query('STOP SLAVE IO_THREAD'))
  await waitReplicaCaughtUp(target, self.received, catchUpMs)
  if (self.behind > 0 && ahead.region !== target) {
    await admin(ahead.region, (db) => db.query('STOP SLAVE'))
    await followWriter(target, ahead.region)
    await waitReplicaCaughtUp(target, ahead.received, catchUpMs)
  }
  await promoteToWriter(target)
  return currentGtid(target)
}

/** Every other survivor follows the new writer (GTID auto-positioning) and streams from it. */
export async function repointSurvivors(writer: RegionId, lost: RegionId, streamingMs = 15_000): Promise<void> {
  const others = regions.filter((r) => r.id !== writer && r.id !== lost).map((r) => r.id)
  await Promise.all(others.map((id) => followWriter(id, writer)))
  const position = await binlogGtid(writer)
  await Promise.all(others.map((id) => waitReplicaCaughtUp(id, position, streamingMs)))
}

/** Re-opens every region's global write path, aimed at the new writer with that pair's latency. */
export async function reopenWritePath(writer: RegionId, wanScale: number): Promise<void> {
  await repointGlobalProxies(writer, wanScale)
  await setGlobalProxies(true)
}

/** Restarts the crashed writer's MariaDB from its data directory (its my.cnf already fenced). */
export async function restartFenced(region: RegionId): Promise<void> {
  await startRegionDb(region)
}

/**
 * Proves the fence: an application write straight to the restarted old writer (not through
 * the write path) must be refused with ER_OPTION_PREVENTS_STATEMENT (1290, read_only).
 * Returns the refusal, or throws if the write went through.
 */
export async function provenFenced(region: RegionId, writer: RegionId): Promise<string> {
  const db = await mysql.createConnection({ uri: databaseUrls(region, writer).read })
  try {
    await db.query("INSERT INTO heartbeats (region, beat_at) VALUES ('fence-probe', NOW(6)) ON DUPLICATE KEY UPDATE beat_at = NOW(6)")
  } catch (error) {
    const e = driverError(error)
    if (e.errno === 1290) return `application write refused: ${e.code ?? 'ER_OPTION_PREVENTS_STATEMENT'} (${e.errno})`
    throw new Error(`the fence probe on ${region} failed for another reason: ${e.message}`, { cause: error })
  } finally {
    await db.end().catch(() => db.destroy())
  }
  throw new Error(`${region} accepted an application write while fenced: split brain`)
}

/** The old writer, rewound to the promotion position, replicates from the new one and catches up; its my.cnf says replica. */
export async function rejoinAsReplica(region: RegionId, writer: RegionId, durability: Durability, catchUpMs = 30_000): Promise<void> {
  await followWriter(region, writer)
  await waitReplicaCaughtUp(region, await binlogGtid(writer), catchUpMs)
  await writeRegionConfig(region, writer, durability)
}
