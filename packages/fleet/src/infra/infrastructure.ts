import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { REGION_IDS, globalProxies, regions, roleOf, topology, wanLinks } from '@pos-fleet/topology'
import type { RegionId, RegionRole } from '@pos-fleet/topology'
import type { Durability } from '@pos-fleet/topology/durability'
import { kafkaBrokers, startRegionKafka } from './kafka.js'
import { attachReplica, bootstrapPrimary, databaseUrls, initRegionDb, startRegionDb, waitReplicaCaughtUp } from './mariadb.js'
import type { DatabaseUrls } from './mariadb.js'
import { findExecutable, kafkaLibsDir, regionsDir, toxiproxyServerBin } from './paths.js'
import { FleetError } from '../errors.js'
import { PortsInUseError, assertPortsFree, isRunning, listProcesses, messageOf, stopAll } from './processes.js'
import { populateWan, resetWan, startToxiproxy } from './toxiproxy.js'

export interface InfrastructureOptions {
  /** Multiplies every emulated one-way delay: 1 is real-world RTT/2, 0 removes the latency toxics. */
  readonly wanScale: number
  readonly writer?: RegionId
  /** Rendered into every instance's my.cnf (@default 'async'). */
  readonly durability?: Durability
  readonly log?: (line: string) => void
}

export interface RegionInfrastructure {
  readonly region: RegionId
  readonly role: RegionRole
  readonly db: DatabaseUrls
  readonly kafkaBrokers: readonly string[]
}

export interface Infrastructure {
  readonly writer: RegionId
  readonly wanScale: number
  readonly toxiproxyUrl: string
  readonly regions: Readonly<Record<RegionId, RegionInfrastructure>>
  readonly startupMs: number
}

const REPLICA_CATCH_UP_MS = 30_000
/**
 * A mariadbd that gets SIGTERM early in its start-up can miss it and run on until SIGKILL (seen
 * here). A fleet that failed to start holds no data worth a graceful stop, so SIGKILL comes soon.
 */
const CLEANUP_GRACE_MS = 2_000

/**
 * Brings up a fresh fleet's infrastructure: toxiproxy with the WAN links, a MariaDB per region
 * (the writer's primary, the others replicating from it through the WAN), and a Kafka broker per
 * region. Independent chains run concurrently: the brokers' JVM start-up is the long pole and
 * overlaps the whole MariaDB chain. On any failure everything started is stopped again.
 */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const { wanScale, writer = topology.writer } = options
  const started = Date.now()
  const log = (line: string) => options.log?.(`[+${((Date.now() - started) / 1_000).toFixed(1)}s] ${line}`)
  assertToolsInstalled()
  await assertNothingRunning()
  // Each `up` is a fresh fleet: no data, binlog or broker log survives from an earlier one.
  await rm(regionsDir, { recursive: true, force: true })
  const replicas = REGION_IDS.filter((id) => id !== writer)
  // Set at the first failure: the other chains stop at their next step instead of starting more.
  const abandon = new AbortController()
  const proceed = () => abandon.signal.throwIfAborted()

  // The links start without latency: a replica's first connection costs a dozen round trips
  // (handshake, registration, dump), about 3 s at real RTTs. Latency is added once they stream;
  // toxiproxy applies new toxics to open connections too.
  const wan = (async () => {
    await startToxiproxy()
    proceed()
    await populateWan(0, writer)
    log(`toxiproxy: ${wanLinks().length} WAN links up`)
  })()

  const databases = (async () => {
    await Promise.all(REGION_IDS.map((id) => initRegionDb(id, writer, options.durability)))
    log('mariadb: data directories initialised')
    proceed()
    await Promise.all(REGION_IDS.map((id) => startRegionDb(id, abandon.signal)))
    log('mariadb: instances accepting connections')
    proceed()
    const gtid = await bootstrapPrimary(writer)
    log(`mariadb: primary ${writer} bootstrapped at ${gtid}`)
    await wan
    proceed()
    await Promise.all(replicas.map((id) => attachReplica(id, writer)))
    await Promise.all(replicas.map((id) => waitReplicaCaughtUp(id, gtid, REPLICA_CATCH_UP_MS)))
    log(`mariadb: replicas ${replicas.join(', ')} caught up through the WAN`)
    await resetWan(wanScale)
    log(`toxiproxy: WAN latency at scale ${wanScale}`)
  })()

  const brokers = Promise.all(
    REGION_IDS.map(async (id) => {
      await startRegionKafka(id, abandon.signal)
      log(`kafka: ${id} broker ready`)
    }),
  )

  // The first failure is the cause: stop everything at once, which also makes the other chains'
  // readiness waits fail fast; their errors are consequences and are not reported.
  let failure: { readonly error: unknown } | undefined
  let cleanup: Promise<void> | undefined
  await Promise.all(
    [wan, databases, brokers].map((chain) =>
      chain.catch((error: unknown) => {
        if (failure) return
        failure = { error }
        abandon.abort()
        log(`start-up failed (${messageOf(error).split('\n')[0]}); stopping what was started`)
        cleanup = stopAll(CLEANUP_GRACE_MS)
      }),
    ),
  )
  if (failure) {
    const cleanupFailed = (error: unknown) => log(`cleanup after the failed start-up also failed: ${messageOf(error)}`)
    await cleanup?.catch(cleanupFailed)
    // A second sweep catches anything a chain spawned while the first one ran.
    await stopAll(CLEANUP_GRACE_MS).catch(cleanupFailed)
    throw failure.error
  }

  const perRegion = {} as Record<RegionId, RegionInfrastructure>
  for (const id of REGION_IDS) perRegion[id] = { region: id, role: roleOf(id, writer), db: databaseUrls(id, writer), kafkaBrokers: kafkaBrokers(id) }
  log('infrastructure ready')
  return {
    writer,
    wanScale,
    toxiproxyUrl: `http://${topology.toxiproxy.host}:${topology.toxiproxy.apiPort}`,
    regions: perRegion,
    startupMs: Date.now() - started,
  }
}

/** Stops every process the fleet recorded (from this or an earlier `fleet` process). */
export async function stopInfrastructure(): Promise<void> {
  await stopAll()
}

/** Checks every binary up front, so a half-bootstrapped machine fails before anything starts. */
function assertToolsInstalled(): void {
  const missing = [
    ...['mariadbd', 'mariadb-install-db', 'java'].filter((name) => !findExecutable(name)),
    ...[toxiproxyServerBin, kafkaLibsDir].filter((path) => !existsSync(path)),
  ]
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run scripts/bootstrap.sh`)
}

/** Refuse before touching any state: wiping a running fleet's data directories corrupts it. */
async function assertNothingRunning(): Promise<void> {
  const running = listProcesses().filter(isRunning)
  if (running.length > 0) {
    throw new Error(`a fleet is already running (${running.map((p) => `${p.name} pid ${p.pid}`).join(', ')}): stop it with \`fleet down\``)
  }
  const ports = [
    topology.toxiproxy.apiPort,
    ...wanLinks().map((link) => link.listenPort),
    ...globalProxies().map((p) => p.listenPort),
    ...regions.flatMap((r) => [r.ports.mariadb, r.ports.kafka, r.ports.kafkaController]),
  ]
  try {
    await assertPortsFree(ports, 'the native fleet')
  } catch (error) {
    if (error instanceof PortsInUseError) throw new FleetError(error.message, { exitCode: 2 })
    throw error
  }
}
