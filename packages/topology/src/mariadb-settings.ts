import { COLLATION } from './database.js'
import { DEFAULT_DURABILITY, type Durability, semiSyncSettings } from './durability.js'
import { type RegionId, WRITER, region as regionSpec } from './regions.js'

/**
 * The server settings of a region's MariaDB, rendered into the native my.cnf and the
 * docker-compose command line so the two runtimes cannot drift. Paths, socket and the bind
 * address differ per runtime and are added by each.
 */
export function mariadbServerSettings(region: RegionId, writer: RegionId = WRITER, durability: Durability = DEFAULT_DURABILITY): Array<[string, string | number]> {
  const isWriter = region === writer
  const settings: Array<[string, string | number]> = [
    ['port', regionSpec(region).ports.mariadb],
    ['skip-name-resolve', ''],
    ['server_id', regionSpec(region).index + 1],
    ['log_bin', 'binlog'],
    ['relay_log', 'relay-bin'],
    ['binlog_format', 'ROW'],
    ['log_slave_updates', 'ON'],
    ['gtid_strict_mode', 'ON'],
    ['gtid_domain_id', 0],
    // A private defaults file skips Debian's charset settings, which would leave latin1.
    ['character-set-server', 'utf8mb4'],
    ['collation-server', COLLATION],
    // Lets a write's OK packet carry its GTID, for read-your-writes against a replica.
    ['session_track_system_variables', 'autocommit,character_set_client,character_set_connection,character_set_results,time_zone,last_gtid'],
    // Notice a silently dead WAN link within seconds (the default is a minute).
    ['slave_net_timeout', 4],
    // Sized for three instances plus brokers on a 2-core laptop, not for throughput.
    ['innodb_buffer_pool_size', '64M'],
    ['innodb_log_file_size', '32M'],
    // The writer is the system of record: a sale it acknowledged must survive an OS crash or
    // power loss, so it flushes the redo log and the binlog at every commit (the load test
    // measured the cost here at 2–3 ms p50 per commit). A replica holds nothing the
    // writer does not: its GTID position lives in InnoDB with the data, so after a crash it
    // re-fetches the lost tail from the writer. Check a crashed replica before promoting it.
    ['innodb_flush_log_at_trx_commit', isWriter ? 1 : 2],
    ['sync_binlog', isWriter ? 1 : 0],
    ['performance_schema', 'OFF'],
    // Every regional service may open DB_WRITE_POOL_SIZE (40) write-path connections here.
    ['max_connections', 400],
    ['table_open_cache', 400],
    ...semiSyncSettings(durability),
  ]
  // Replicas refuse application writes (error 1290); promotion flips this at runtime only.
  if (!isWriter) settings.push(['read_only', 1])
  return settings
}
