/**
 * The database every runtime creates: its name, the service accounts and their grants, the URLs
 * services connect with, and how a replica follows the writer. Statements are rendered here once;
 * the native runner executes them and the compose db-init script embeds them.
 */
import type { Addressing } from './addressing.js'
import { globalProxy, wanLink } from './links.js'
import { type RegionId, WRITER, region as regionSpec } from './regions.js'

export const DATABASE_NAME = 'pos'
export const COLLATION = 'utf8mb4_unicode_ci'

export interface DbAccount {
  readonly user: string
  readonly password: string
}

/** Accounts of the local demo databases; never printed. Services get them through databaseUrls(). */
export const DB_USERS = {
  app: { user: 'pos_app', password: 'pos-app-local-demo' },
  migrator: { user: 'pos_migrator', password: 'pos-migrator-local-demo' },
  replication: { user: 'pos_repl', password: 'pos-repl-local-demo' },
  monitor: { user: 'pos_monitor', password: 'pos-monitor-local-demo' },
} as const satisfies Record<string, DbAccount>

export type AccountName = keyof typeof DB_USERS

export interface Grant {
  readonly account: AccountName
  readonly privileges: readonly string[]
  /** `database`: the application database only; `server`: every database (`*.*`). */
  readonly scope: 'database' | 'server'
}

/**
 * Application accounts get database-level grants only: a server-wide privilege such as
 * READ ONLY ADMIN would let them write to a read-only replica.
 */
export const GRANTS: readonly Grant[] = [
  { account: 'app', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], scope: 'database' },
  { account: 'migrator', privileges: ['ALL PRIVILEGES'], scope: 'database' },
  { account: 'replication', privileges: ['REPLICATION SLAVE'], scope: 'server' },
  { account: 'monitor', privileges: ['REPLICATION CLIENT', 'SLAVE MONITOR'], scope: 'server' },
  { account: 'monitor', privileges: ['SELECT'], scope: 'database' },
]

/** A SQL string literal (MariaDB's default sql_mode treats a backslash as an escape). */
export function sqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}

function plainIdentifier(name: string): string {
  // Unquoted on purpose: the compose script embeds statements in a shell string, where backticks would run.
  if (!/^\w+$/.test(name)) throw new Error(`database name ${name} is not a plain identifier`)
  return name
}

/**
 * The writer's bootstrap: the database and the accounts with their grants. Binlogged, so
 * replicas attached afterwards replay them from the start.
 */
export function primaryBootstrapStatements(): string[] {
  const db = plainIdentifier(DATABASE_NAME)
  const account = (name: AccountName) => `${sqlString(DB_USERS[name].user)}@'%'`
  return [
    `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE ${COLLATION}`,
    ...(Object.keys(DB_USERS) as AccountName[]).map((name) => `CREATE USER IF NOT EXISTS ${account(name)} IDENTIFIED BY ${sqlString(DB_USERS[name].password)}`),
    ...GRANTS.map((g) => `GRANT ${g.privileges.join(', ')} ON ${g.scope === 'database' ? `${db}.*` : '*.*'} TO ${account(g.account)}`),
  ]
}

export interface DatabaseUrls {
  /** The region's own instance (a replica unless the region is the writer). */
  readonly read: string
  /**
   * The global write path: the region's own global proxy, whose upstream is the current
   * writer (the writer's own region too, at no added latency), so a switchover changes no URL.
   */
  readonly write: string
  /** Schema migrations run against the writer directly, never across the emulated WAN. */
  readonly migrate: string
}

export function databaseUrls(region: RegionId, writer: RegionId, addressing: Addressing): DatabaseUrls {
  const url = (account: DbAccount, host: string, port: number) =>
    `mysql://${account.user}:${encodeURIComponent(account.password)}@${host}:${port}/${DATABASE_NAME}`
  const local = url(DB_USERS.app, addressing.host('mariadb', region), regionSpec(region).ports.mariadb)
  return {
    read: local,
    write: url(DB_USERS.app, addressing.wanHost, globalProxy(region).listenPort),
    migrate: url(DB_USERS.migrator, addressing.host('mariadb', writer), regionSpec(writer).ports.mariadb),
  }
}

/** Where a replica replicates from: the writer, through the WAN proxy, so replication feels the emulated latency. */
export function replicaSource(replica: RegionId, addressing: Addressing, writer: RegionId = WRITER) {
  if (replica === writer) throw new Error(`cannot attach ${replica} as a replica of itself`)
  return { host: addressing.wanHost, port: wanLink(replica, writer).listenPort, account: DB_USERS.replication } as const
}

/** CHANGE MASTER for a replica: GTID-based, retrying the link every second while it is down. */
/**
 * How a replica notices a blackholed link (packets dropped, nothing closed): the IO thread
 * gives up on a connection only after slave_net_timeout seconds without receiving anything
 * (4 s, mariadb-settings.ts), then reconnects every MASTER_CONNECT_RETRY = 1 s. An idle
 * primary sends nothing, so a quiet but healthy link would look dead without heartbeats:
 * the primary sends one every MASTER_HEARTBEAT_PERIOD = 1 s. 4 s leaves room for a beat on a
 * link slowed tenfold (≤ 1.1 s one way at WAN scale 1) plus a lost beat, while a cut is
 * noticed in ~4 s instead of MariaDB's default 60 s.
 */
export const REPLICA_HEARTBEAT_PERIOD_S = 1

export function changeMasterStatement(replica: RegionId, addressing: Addressing, writer: RegionId = WRITER): string {
  const { host, port, account } = replicaSource(replica, addressing, writer)
  return (
    `CHANGE MASTER TO MASTER_HOST=${sqlString(host)}, MASTER_PORT=${port}, MASTER_USER=${sqlString(account.user)}, ` +
    `MASTER_PASSWORD=${sqlString(account.password)}, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, ` +
    `MASTER_HEARTBEAT_PERIOD=${REPLICA_HEARTBEAT_PERIOD_S}`
  )
}
