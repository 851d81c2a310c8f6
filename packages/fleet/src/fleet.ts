import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { runMigrations } from '@pos-fleet/platform/db/migrate'
import { seedDemo } from '@pos-fleet/platform/db/seed-demo'
import { type RegionId, regions, topology } from '@pos-fleet/topology'
import { DEFAULT_DURABILITY, type Durability } from '@pos-fleet/topology/durability'
import type { FleetEndpoints } from './durability.js'
import { type Endpoints, describeEndpoints, endpointsFile, readEndpoints, writeEndpoints } from './endpoints.js'
import { createTopics } from './infra/kafka.js'
import { binlogGtid, databaseUrls, waitReplicaCaughtUp } from './infra/mariadb.js'
import { logsDir } from './infra/paths.js'
import { startInfrastructure, stopInfrastructure } from './infra/infrastructure.js'
import { readComposeEndpoints } from './compose/runtime.js'
import { FleetError } from './errors.js'
import { isRunning, listProcesses } from './infra/processes.js'
import { type ObservabilityEndpoints, startObservability } from './observe/stack.js'
import { fleetServices, startService } from './services.js'

export interface UpOptions {
  wanScale: number
  writer?: RegionId
  /** @default 'async' */
  durability?: Durability
  logLevel?: string
  /** Also start Jaeger (the services' spans) and Prometheus (their /metrics), natively. */
  observe?: boolean
  log: (line: string) => void
}

/**
 * A fresh three-region fleet (services compiled beforehand by `pnpm fleet`): start the infrastructure, migrate
 * and seed at the writer, wait for the replicas to have the seed, start every service
 * and publish the endpoints. Any failure stops everything that was started.
 */
export async function fleetUp(o: UpOptions): Promise<{ endpoints: FleetEndpoints; startupMs: number }> {
  const started = Date.now()
  const log = (line: string) => o.log(`[+${((Date.now() - started) / 1_000).toFixed(1)}s] ${line}`)
  const writer = o.writer ?? topology.writer
  const durability = o.durability ?? DEFAULT_DURABILITY
  rmSync(endpointsFile, { force: true })
  mkdirSync(logsDir, { recursive: true })

  try {
    await startInfrastructure({ wanScale: o.wanScale, writer, durability, log: o.log })
    const migrateUrl = databaseUrls(writer, writer).migrate
    await runMigrations(migrateUrl)
    const credentials = await seedDemo(migrateUrl, writer)
    const seeded = await binlogGtid(writer)
    await Promise.all(regions.filter((r) => r.id !== writer).map((r) => waitReplicaCaughtUp(r.id, seeded, 30_000)))
    log(`schema migrated and demo tenants seeded at ${writer}; replicas have them`)
    // Every region gets the topic so promoting another writer needs no broker change.
    await Promise.all(regions.map((r) => createTopics(r.id, Object.values(topology.kafka.topics))))

    let observability: ObservabilityEndpoints | undefined
    if (o.observe) {
      observability = await startObservability()
      log(`observability: Jaeger ${observability.jaeger}, Prometheus ${observability.prometheus}`)
    }

    const dbUrls = (r: RegionId) => databaseUrls(r, writer)
    await Promise.all(fleetServices({ writer, logLevel: o.logLevel ?? 'info' }).map((s) => startService(s)))
    log('services ready in every region')

    const spec = describeEndpoints({
      writer,
      wanScale: o.wanScale,
      dbUrls: (r) => {
        const { read, write } = dbUrls(r)
        return { read, write }
      },
      gatewayPort: topology.paymentGateway.port,
      toxiproxyPort: topology.toxiproxy.apiPort,
      ...credentials,
    })
    const endpoints: FleetEndpoints = { ...spec, durability, ...(observability ? { observability } : {}) }
    writeEndpoints(endpointsFile, endpoints)
    return { endpoints, startupMs: Date.now() - started }
  } catch (err) {
    log('start-up failed; stopping everything that was started')
    await stopInfrastructure().catch(() => undefined)
    throw err
  }
}

/**
 * The one "is a fleet running?" check of every command that needs a fleet: the endpoints
 * `fleet up` published, and every process it recorded still alive. Otherwise a FleetError
 * (exit 2) saying what to do, rather than a raw ENOENT or a connection refused halfway.
 */
export function requireRunningFleet(): Endpoints {
  if (!existsSync(endpointsFile)) throw new FleetError('no fleet is running: start one with `pnpm fleet up --detach`', { exitCode: 2 })
  const restart = 'stop what is left with `pnpm fleet down`, then `pnpm fleet up --detach`'
  let why: string | undefined
  try {
    const recorded = listProcesses()
    const stopped = recorded.filter((p) => !isRunning(p)).map((p) => p.name)
    if (recorded.length === 0) why = 'no process is recorded'
    else if (stopped.length > 0) why = `${stopped.join(', ')} stopped`
  } catch (error) {
    throw new FleetError(`cannot tell whether the fleet is running: ${restart}`, { exitCode: 2, cause: error })
  }
  if (why) throw new FleetError(`the fleet is not running (${why}): ${restart}`, { exitCode: 2 })
  try {
    return readEndpoints(endpointsFile)
  } catch (error) {
    throw new FleetError(`cannot read ${endpointsFile}: ${restart}`, { exitCode: 2, cause: error })
  }
}

export async function fleetDown(o: { log: (line: string) => void }): Promise<void> {
  await stopInfrastructure()
  // A compose fleet's endpoints stay: its containers are not this command's to stop.
  if (readComposeEndpoints()) {
    o.log('native fleet stopped; a compose fleet is running: stop it with `pnpm fleet compose down`')
    return
  }
  rmSync(endpointsFile, { force: true })
  o.log('fleet stopped; no process or port left behind')
}

export interface RegionStatus {
  region: RegionId
  role: string
  services: Record<string, { ready: boolean; detail?: string }>
  writePath: string
  replicationLagMs: number | null
}

async function readiness(url: string): Promise<{ ready: boolean; body?: any; detail?: string }> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) })
    const body = (await res.json()) as any
    return { ready: res.ok, body }
  } catch (err) {
    return { ready: false, detail: (err as Error).message }
  }
}

export async function fleetStatus(): Promise<RegionStatus[] | null> {
  if (!existsSync(endpointsFile)) return null
  const endpoints = readEndpoints(endpointsFile)
  return Promise.all(
    regions.map(async (r) => {
      const e = endpoints.regions[r.id]
      const [sf, inv, pw] = await Promise.all([
        readiness(e.storefront),
        readiness(e.inventoryDelta),
        e.paymentsWorker ? readiness(e.paymentsWorker) : Promise.resolve(undefined),
      ])
      const services: RegionStatus['services'] = {
        storefront: { ready: sf.ready, ...(sf.detail ? { detail: sf.detail } : {}) },
        'inventory-delta': { ready: inv.ready, ...(inv.detail ? { detail: inv.detail } : {}) },
      }
      if (pw) services['payments-worker'] = { ready: pw.ready, ...(pw.detail ? { detail: pw.detail } : {}) }
      return {
        region: r.id,
        role: e.role,
        services,
        writePath: sf.body?.checks?.writePath?.ok ? 'up' : 'down',
        replicationLagMs: sf.body?.replicationLagMs ?? null,
      }
    }),
  )
}
