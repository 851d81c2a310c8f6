import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { runMigrations } from '@pos-fleet/platform/db/migrate'
import { seedDemo } from '@pos-fleet/platform/db/seed-demo'
import { type RegionId, regions, topology } from '@pos-fleet/topology'
import { type Endpoints, describeEndpoints, endpointsFile, readEndpoints, writeEndpoints } from './endpoints.js'
import { createTopics } from './infra/kafka.js'
import { binlogGtid, databaseUrls, waitReplicaCaughtUp } from './infra/mariadb.js'
import { logsDir } from './infra/paths.js'
import { startInfrastructure, stopInfrastructure } from './infra/infrastructure.js'
import { fleetServices, startService } from './services.js'

export interface UpOptions {
  wanScale: number
  writer?: RegionId
  logLevel?: string
  log: (line: string) => void
}

/**
 * A fresh three-region fleet (services compiled beforehand by `pnpm fleet`): start the infrastructure, migrate
 * and seed at the writer, wait for the replicas to have the seed, start every service
 * and publish the endpoints. Any failure stops everything that was started.
 */
export async function fleetUp(o: UpOptions): Promise<{ endpoints: Endpoints; startupMs: number }> {
  const started = Date.now()
  const log = (line: string) => o.log(`[+${((Date.now() - started) / 1_000).toFixed(1)}s] ${line}`)
  const writer = o.writer ?? topology.writer
  rmSync(endpointsFile, { force: true })
  mkdirSync(logsDir, { recursive: true })

  try {
    await startInfrastructure({ wanScale: o.wanScale, writer, log: o.log })
    const migrateUrl = databaseUrls(writer, writer).migrate
    await runMigrations(migrateUrl)
    const credentials = await seedDemo(migrateUrl, writer)
    const seeded = await binlogGtid(writer)
    await Promise.all(regions.filter((r) => r.id !== writer).map((r) => waitReplicaCaughtUp(r.id, seeded, 30_000)))
    log(`schema migrated and demo tenants seeded at ${writer}; replicas have them`)
    // Every region gets the topic so promoting another writer needs no broker change.
    await Promise.all(regions.map((r) => createTopics(r.id, Object.values(topology.kafka.topics))))

    const dbUrls = (r: RegionId) => databaseUrls(r, writer)
    await Promise.all(fleetServices({ writer, logLevel: o.logLevel ?? 'info' }).map((s) => startService(s)))
    log('services ready in every region')

    const endpoints = describeEndpoints({
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
    writeEndpoints(endpointsFile, endpoints)
    return { endpoints, startupMs: Date.now() - started }
  } catch (err) {
    log('start-up failed; stopping everything that was started')
    await stopInfrastructure().catch(() => undefined)
    throw err
  }
}

export async function fleetDown(o: { log: (line: string) => void }): Promise<void> {
  await stopInfrastructure()
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
