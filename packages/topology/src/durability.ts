/**
 * How far a sale is durable when the writer acknowledges it. `async`: once the writer has it
 * (a replica may be seconds behind, so losing the writer loses that tail). `semi-sync`: once
 * the writer has it AND a replica has it in its relay log (MariaDB's built-in semi-synchronous
 * replication, no plugin in 10.3+), so promoting the most advanced replica loses nothing.
 */

export const DURABILITY_MODES = ['async', 'semi-sync'] as const
export type Durability = (typeof DURABILITY_MODES)[number]
export const DEFAULT_DURABILITY: Durability = 'async'

export function isDurability(value: string): value is Durability {
  return (DURABILITY_MODES as readonly string[]).includes(value)
}

/**
 * How long a commit waits for a replica's ack before MariaDB silently falls back to async
 * (Rpl_semi_sync_master_status OFF, Rpl_semi_sync_master_no_tx counting; it switches back
 * by itself once a replica has caught up). Longer than the services' write deadline (2 s,
 * DEFAULT_DB_WRITE_TIMEOUT_MS; packages/fleet checks the relation), so no
 * POS is told "committed" for a sale only the writer holds during the first 10 s of an
 * isolation: its call times out first and the sale goes provisional (store-and-forward
 * retries it under its own id). Longer than a replica's reconnect after a blip (4 s
 * slave_net_timeout + 1 s retry), so a short cut of both links does not degrade. Short enough
 * that the commits an isolated writer holds open (bounded by the write pools and breakers)
 * drain within seconds instead of exhausting max_connections. The fallback is what `fleet
 * status` reports as "FELL BACK TO ASYNC".
 */
export const SEMI_SYNC_TIMEOUT_MS = 10_000

/**
 * Both sides on EVERY instance, so any region can be promoted without a config change: the
 * master side only acts where replicas are attached, the slave side only where an IO thread
 * runs. AFTER_SYNC (lossless): the commit becomes visible to other sessions only after the ack,
 * so nobody reads a sale a crash could take back. wait_no_slave ON: with every replica gone
 * the writer still waits the timeout instead of falling back at once. An instance with no
 * replica (a fresh replica, or the writer before its replicas attach) waits the timeout once
 * at its first binlogged commit and then reports OFF until a replica catches up; that costs a
 * semi-sync `fleet up` about one timeout.
 */
export function semiSyncSettings(mode: Durability): Array<[string, string | number]> {
  if (mode === 'async') return []
  return [
    ['rpl_semi_sync_master_enabled', 'ON'],
    ['rpl_semi_sync_slave_enabled', 'ON'],
    ['rpl_semi_sync_master_wait_point', 'AFTER_SYNC'],
    ['rpl_semi_sync_master_timeout', SEMI_SYNC_TIMEOUT_MS],
    ['rpl_semi_sync_master_wait_no_slave', 'ON'],
  ]
}
