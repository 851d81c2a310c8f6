import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type RegionId, type RegionRole, regions, roleOf, rttMatrix } from '@pos-fleet/topology'
import { stateDir } from './infra/paths.js'
import type { ManagerCredential, TerminalCredential } from '@pos-fleet/platform/db/seed-demo'

export const endpointsFile = join(stateDir, 'endpoints.json')

export interface RegionEndpoints {
  role: RegionRole
  /** A lost writer that must not take a write again until it has rejoined as a replica (unplanned failover). */
  fenced?: boolean
  storefront: string
  inventoryDelta: string
  paymentsWorker?: string
  kafka: string
  /** `admin`: root's URL, a compose fleet only (the native fleet's admin access is a private socket). */
  db: { read: string; write: string; admin?: string }
}

/** The machine-readable contract of a running fleet (`.pos-fleet/endpoints.json`). */
export interface Endpoints {
  writer: RegionId
  wanScale: number
  rttMs: ReturnType<typeof rttMatrix>
  regions: Record<RegionId, RegionEndpoints>
  paymentGateway: string
  toxiproxy: string
  terminals: TerminalCredential[]
  inventoryManagers: ManagerCredential[]
  startedAt: string
  /** With `fleet up --observe`: Jaeger's query service (API and page) and Prometheus. */
  observability?: { jaeger: string; prometheus: string }
}

export function describeEndpoints(input: {
  writer: RegionId
  wanScale: number
  dbUrls: (region: RegionId) => { read: string; write: string }
  gatewayPort: number
  toxiproxyPort: number
  terminals: TerminalCredential[]
  inventoryManagers: ManagerCredential[]
}): Endpoints {
  return {
    writer: input.writer,
    wanScale: input.wanScale,
    rttMs: rttMatrix(),
    regions: regionEndpoints(input.writer, input.writer, input.dbUrls),
    paymentGateway: `http://127.0.0.1:${input.gatewayPort}`,
    toxiproxy: `http://127.0.0.1:${input.toxiproxyPort}`,
    terminals: input.terminals,
    inventoryManagers: input.inventoryManagers,
    startedAt: new Date().toISOString(),
  }
}

function regionEndpoints(writer: RegionId, paymentsWorker: RegionId, dbUrls: (region: RegionId) => { read: string; write: string }): Record<RegionId, RegionEndpoints> {
  const byRegion = {} as Record<RegionId, RegionEndpoints>
  for (const r of regions) {
    byRegion[r.id] = {
      role: roleOf(r.id, writer),
      storefront: `http://127.0.0.1:${r.ports.storefront}`,
      inventoryDelta: `http://127.0.0.1:${r.ports.inventoryDelta}`,
      ...(r.id === paymentsWorker ? { paymentsWorker: `http://127.0.0.1:${r.ports.paymentsWorker}` } : {}),
      kafka: `127.0.0.1:${r.ports.kafka}`,
      db: dbUrls(r.id),
    }
  }
  return byRegion
}

/**
 * The endpoints after a switchover step: the writer and each region's role, and where
 * payments-worker runs (for a moment between the two, in neither or still the old region).
 * Database URLs do not change: every region writes through its own global proxy.
 */
export function withWriter(endpoints: Endpoints, writer: RegionId, paymentsWorker: RegionId | null): Endpoints {
  const updated = regionEndpoints(writer, paymentsWorker ?? writer, (r) => endpoints.regions[r].db)
  if (paymentsWorker === null) for (const r of regions) delete updated[r.id].paymentsWorker
  return { ...endpoints, writer, regions: updated }
}

export function writeEndpoints(path: string, endpoints: Endpoints): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.tmp`
  writeFileSync(tmp, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, path)
}

export function readEndpoints(path: string): Endpoints {
  return JSON.parse(readFileSync(path, 'utf8')) as Endpoints
}
