import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import type { Connection, RowDataPacket } from 'mysql2/promise'
import { loopbackAddressing, region as regionSpec, topology } from '@pos-fleet/topology'
import type { RegionId } from '@pos-fleet/topology'
import { type DatabaseUrls, changeMasterStatement, databaseUrls as specDatabaseUrls, primaryBootstrapStatements } from '@pos-fleet/topology/database'
import { DEFAULT_DURABILITY, type Durability } from '@pos-fleet/topology/durability'
import { mariadbServerSettings } from '@pos-fleet/topology/mariadb-settings'
import { regionPaths, requireExecutable } from './paths.js'
import { messageOf, retryUntil, runCommand, startProcess, untilReady } from './processes.js'
import type { RunningProcess } from './processes.js'

export { DB_USERS, type DatabaseUrls } from '@pos-fleet/topology/database'

export interface ReplicationStatus {
  readonly region: RegionId
  readonly masterPort: number
  /** 'Connecting' while the link to the primary is down and the IO thread retries. */
  readonly ioThread: 'Yes' | 'No' | 'Connecting'
  readonly sqlThreadRunning: boolean
  readonly secondsBehindMaster: number | null
  readonly gtidIoPos: string
  readonly lastIoError: string
  readonly lastSqlError: string
}

/** Longest unix socket path Linux accepts (sun_path is 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107
const runningAsRoot = process.getuid?.() === 0

/** The spec's database URLs, as the native runner addresses them (loopback and WAN proxy ports). */
export function databaseUrls(region: RegionId, writer: RegionId = topology.writer): DatabaseUrls {
  return specDatabaseUrls(region, writer, loopbackAddressing)
}

/**
 * `fenced`: the instance comes up refusing application writes (read_only, which binds the
 * app accounts: they hold no server-wide privilege) and replicating from nobody
 * (skip-slave-start) — how a crashed writer restarts until it has rejoined as a replica.
 */
function myCnf(region: RegionId, writer: RegionId, durability: Durability, fenced = false): string {
  const paths = regionPaths(region).mariadb
  const lines = [
    '[mariadbd]',
    `datadir=${paths.data}`,
    `tmpdir=${paths.tmp}`,
    `socket=${paths.socket}`,
    `pid-file=${paths.pidFile}`,
    `bind-address=${loopbackAddressing.bindHost}`,
    ...mariadbServerSettings(region, writer, durability).map(([k, v]) => (v === '' ? k : `${k}=${v}`)),
    ...(fenced ? ['skip-slave-start'] : []),
  ]
  return `${lines.join('\n')}\n`
}

/**
 * Rewrites the region's my.cnf for its role under `writer`, so a restart brings it back in the
 * role it has now rather than the one it started with: after a writer change a demoted writer
 * must not restart writable.
 */
export async function writeRegionConfig(region: RegionId, writer: RegionId, durability: Durability, options: { readonly fenced?: boolean } = {}): Promise<void> {
  await writeFile(regionPaths(region).mariadb.config, myCnf(region, writer, durability, options.fenced))
}

/** Writes the region's my.cnf and creates its data directory with mariadb-install-db. */
export async function initRegionDb(region: RegionId, writer: RegionId = topology.writer, durability: Durability = DEFAULT_DURABILITY): Promise<void> {
  const paths = regionPaths(region)
  if (paths.mariadb.socket.length > MAX_SOCKET_PATH) {
    throw new Error(`socket path ${paths.mariadb.socket} is longer than ${MAX_SOCKET_PATH} bytes: move the checkout to a shorter path`)
  }
  await Promise.all([paths.mariadb.data, paths.mariadb.tmp, paths.mariadb.run, paths.logs].map((dir) => mkdir(dir, { recursive: true })))
  await writeFile(paths.mariadb.config, myCnf(region, writer, durability))
  await runCommand(
    `mariadb-install-db for ${region}`,
    requireExecutable('mariadb-install-db'),
    [
      // --defaults-file must come first.
      `--defaults-file=${paths.mariadb.config}`,
      ...(runningAsRoot ? ['--user=root'] : []),
      // root@localhost without a password: admin access over the private socket, as root or not.
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ],
    // Concurrent install-db runs sharing /tmp corrupt each other's grant tables.
    { log: join(paths.logs, 'mariadb-install-db.log'), env: { ...process.env, TMPDIR: paths.mariadb.tmp } },
  )
}

/** Starts the region's mariadbd and waits until root can log in over its socket; not once `signal` is aborted. */
export async function startRegionDb(region: RegionId, signal?: AbortSignal): Promise<RunningProcess> {
  const paths = regionPaths(region).mariadb
  const proc = await startProcess({
    name: `mariadb-${region}`,
    command: requireExecutable('mariadbd'),
    args: [`--defaults-file=${paths.config}`, ...(runningAsRoot ? ['--user=root'] : [])],
    ports: [regionSpec(region).ports.mariadb],
    ...(signal ? { signal } : {}),
  })
  await untilReady(proc, (signal) => retryUntil(`mariadb in ${region} to accept connections`, 30_000, () => admin(region, async () => undefined), { signal }))
  // install-db also creates password-less root accounts reachable over TCP (and so through the
  // WAN proxies). Dropped locally, outside the binlog, so no instance gets a GTID of its own.
  await admin(region, async (db) => {
    await db.query('SET SESSION sql_log_bin = 0')
    const [rows] = await db.query<RowDataPacket[]>("SELECT User AS user, Host AS host FROM mysql.user WHERE User = 'root' AND Host <> 'localhost'")
    for (const row of rows) await db.query('DROP USER ?@?', [row.user, row.host])
  })
  return proc
}

/**
 * Creates the database and the service accounts on the writer (the spec's bootstrap statements).
 * These are binlogged, so replicas attached afterwards replay them from the start.
 * Returns the writer's GTID position after the bootstrap.
 */
export async function bootstrapPrimary(writer: RegionId = topology.writer): Promise<string> {
  return admin(writer, async (db) => {
    for (const statement of primaryBootstrapStatements()) await db.query(statement)
    return gtidOf(db)
  })
}

/** Points a replica at the writer through the WAN proxy, so replication feels the emulated latency. */
export async function attachReplica(replica: RegionId, writer: RegionId = topology.writer): Promise<void> {
  const changeMaster = changeMasterStatement(replica, loopbackAddressing, writer)
  await admin(replica, async (db) => {
    await db.query(changeMaster)
    await db.query('START SLAVE')
  })
}

/** The GTID position of everything a region's instance has binlogged (on the writer: all commits). */
export async function binlogGtid(region: RegionId): Promise<string> {
  return admin(region, gtidOf)
}

/** Waits (MASTER_GTID_WAIT) until `region` has applied `gtid`; throws with its replication state if not. */
export async function waitReplicaCaughtUp(region: RegionId, gtid: string, timeoutMs: number): Promise<void> {
  const result = await admin(region, async (db) => {
    const [rows] = await db.query<RowDataPacket[]>('SELECT MASTER_GTID_WAIT(?, ?) AS result', [gtid, timeoutMs / 1_000])
    return rows[0]?.result as number | null
  })
  if (result === 0) return
  const status = await replicationStatus(region)
  const state = status
    ? `IO thread ${status.ioThread}, SQL thread ${status.sqlThreadRunning ? 'running' : 'stopped'}, at ${status.gtidIoPos || 'nothing'}` +
      (status.lastIoError ? `, last IO error: ${status.lastIoError}` : '') +
      (status.lastSqlError ? `, last SQL error: ${status.lastSqlError}` : '')
    : 'not a replica'
  const reason = result === -1 ? `did not reach GTID ${gtid} within ${timeoutMs} ms` : `rejected GTID ${JSON.stringify(gtid)}`
  throw new Error(`replica ${region} ${reason} (${state})`)
}

/** The replica's view of its link to the primary, or null for an instance that replicates from nobody. */
export async function replicationStatus(region: RegionId): Promise<ReplicationStatus | null> {
  const [row] = await admin(region, async (db) => (await db.query<RowDataPacket[]>('SHOW SLAVE STATUS'))[0])
  if (!row) return null
  return {
    region,
    masterPort: Number(row.Master_Port),
    ioThread: row.Slave_IO_Running as ReplicationStatus['ioThread'],
    sqlThreadRunning: row.Slave_SQL_Running === 'Yes',
    secondsBehindMaster: row.Seconds_Behind_Master === null ? null : Number(row.Seconds_Behind_Master),
    gtidIoPos: String(row.Gtid_IO_Pos),
    lastIoError: String(row.Last_IO_Error),
    lastSqlError: String(row.Last_SQL_Error),
  }
}

/** An instance's semi-synchronous replication, both sides, as its server variables and status counters say. */
export interface SemiSyncState {
  readonly masterEnabled: boolean
  readonly slaveEnabled: boolean
  /** Master side: ON while commits wait for an ack; OFF once the timeout fired (silently async) or with nobody to wait for. */
  readonly masterActive: boolean
  /** Replicas connected with their semi-sync side on. */
  readonly clients: number
  /** Commits a replica acknowledged, and commits that went out unacknowledged (async). */
  readonly yesTx: number
  readonly noTx: number
  /** Slave side: this instance's IO thread acknowledges what it receives. */
  readonly slaveActive: boolean
  readonly timeoutMs: number
}

export async function semiSyncState(region: RegionId): Promise<SemiSyncState> {
  return admin(region, async (db) => {
    const pairs = async (sql: string) => new Map((await db.query<RowDataPacket[]>(sql))[0].map((row) => [String(row.Variable_name).toLowerCase(), String(row.Value)]))
    const [vars, status] = await Promise.all([pairs("SHOW GLOBAL VARIABLES LIKE 'rpl_semi_sync_%'"), pairs("SHOW GLOBAL STATUS LIKE 'rpl_semi_sync_%'")])
    const on = (map: Map<string, string>, key: string) => map.get(key) === 'ON'
    return {
      masterEnabled: on(vars, 'rpl_semi_sync_master_enabled'),
      slaveEnabled: on(vars, 'rpl_semi_sync_slave_enabled'),
      masterActive: on(status, 'rpl_semi_sync_master_status'),
      clients: Number(status.get('rpl_semi_sync_master_clients') ?? 0),
      yesTx: Number(status.get('rpl_semi_sync_master_yes_tx') ?? 0),
      noTx: Number(status.get('rpl_semi_sync_master_no_tx') ?? 0),
      slaveActive: on(status, 'rpl_semi_sync_slave_status'),
      timeoutMs: Number(vars.get('rpl_semi_sync_master_timeout') ?? 0),
    }
  })
}

async function gtidOf(db: Connection): Promise<string> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT @@GLOBAL.gtid_binlog_pos AS gtid')
  return String(rows[0]?.gtid ?? '')
}

/**
 * root over the instance's private socket: works before the replicated accounts exist on a
 * replica and while replication is broken, and is never exposed over TCP.
 */
export async function admin<T>(region: RegionId, work: (db: Connection) => Promise<T>): Promise<T> {
  const socketPath = regionPaths(region).mariadb.socket
  // A compose fleet's database has no socket here: root over its published port instead.
  const { composeAdminUrl } = await import('../compose/runtime.js')
  const url = existsSync(socketPath) ? undefined : composeAdminUrl(region)
  let db: Connection
  try {
    db = await mysql.createConnection(url ? { uri: url, connectTimeout: 2_000 } : { socketPath, user: 'root', connectTimeout: 2_000 })
  } catch (error) {
    throw new Error(`cannot connect to mariadb in ${region} (${url ? 'its published port' : socketPath}) as root: ${messageOf(error)}`, { cause: error })
  }
  try {
    return await work(db)
  } finally {
    // A failed quit (server already gone) must not mask the work's own outcome.
    await db.end().catch(() => db.destroy())
  }
}

/**
 * Fences (true) or unfences a writer: read_only=1 refuses every application write (error 1290,
 * which services treat as "write path down": they answer 202 and queue the sale). Setting it
 * takes the global read lock, so it waits for statements and commits in progress: a transaction
 * either committed before (and is in the binlog the target must apply) or fails at its next
 * write or its commit with 1290 (and is queued by its service, replayed at the new writer).
 * lock_wait_timeout bounds that wait, so a stuck session cannot hold the fence up.
 */
export async function setReadOnly(region: RegionId, readOnly: boolean, lockWaitS = 5): Promise<void> {
  await admin(region, async (db) => {
    await db.query('SET SESSION lock_wait_timeout = ?', [lockWaitS])
    await db.query(`SET GLOBAL read_only = ${readOnly ? 1 : 0}`)
  })
}

/** The durability settings a region runs with while `writer` is the writer, from the spec's my.cnf. */
function durabilitySettings(region: RegionId, writer: RegionId): Array<[string, string | number]> {
  const keys = ['innodb_flush_log_at_trx_commit', 'sync_binlog']
  return mariadbServerSettings(region, writer).filter(([key]) => keys.includes(key))
}

/** Applies, at run time, the spec's durability settings for `region`'s role under `writer`. */
export async function applyDurability(region: RegionId, writer: RegionId): Promise<void> {
  await admin(region, async (db) => {
    for (const [key, value] of durabilitySettings(region, writer)) await db.query(`SET GLOBAL ${key} = ${Number(value)}`)
  })
}

/**
 * Makes a replica the writer: it stops replicating and forgets its source, accepts writes and
 * flushes every commit (the writer's durability). Runtime only: a restarted instance comes
 * back read-only from its my.cnf, which is the safe side.
 */
export async function promoteToWriter(region: RegionId): Promise<void> {
  await admin(region, async (db) => {
    await db.query('STOP SLAVE')
    await db.query('RESET SLAVE ALL')
    await db.query('SET GLOBAL read_only = 0')
  })
  await applyDurability(region, region)
}

/**
 * Points an instance at `writer` through its WAN link with GTID auto-positioning. `demote`: the
 * instance was a writer itself, so its own binlogged GTIDs become its replication position
 * (MASTER_DEMOTE_TO_SLAVE=1); without it, it would ask the new writer for them again.
 */
export async function followWriter(replica: RegionId, writer: RegionId, options: { readonly demote?: boolean } = {}): Promise<void> {
  const changeMaster = changeMasterStatement(replica, loopbackAddressing, writer) + (options.demote ? ', MASTER_DEMOTE_TO_SLAVE=1' : '')
  await admin(replica, async (db) => {
    await db.query('STOP SLAVE')
    await db.query(changeMaster)
    await db.query('START SLAVE')
  })
  await applyDurability(replica, writer)
}

/** Everything an instance holds: what it binlogged and what it applied as a replica. */
export async function currentGtid(region: RegionId): Promise<string> {
  return admin(region, async (db) => {
    const [rows] = await db.query<RowDataPacket[]>('SELECT @@GLOBAL.gtid_current_pos AS gtid')
    return String(rows[0]?.gtid ?? '')
  })
}

/** The instance's read_only flag: 1 on a replica or a fenced writer. */
export async function isReadOnly(region: RegionId): Promise<boolean> {
  return admin(region, async (db) => {
    const [rows] = await db.query<RowDataPacket[]>('SELECT @@GLOBAL.read_only AS readOnly')
    return Number(rows[0]?.readOnly) === 1
  })
}
