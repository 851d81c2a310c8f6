import { availableParallelism } from 'node:os'
import { execa } from 'execa'
import { type RegionId, catalogItem } from '@pos-fleet/topology'
import { DATABASE_NAME } from '@pos-fleet/topology/database'
import { openLoopReads } from '../bench.js'
import type { Endpoints } from '../endpoints.js'
import { FleetError } from '../errors.js'
import { admin } from '../infra/mariadb.js'
import { listProcesses } from '../infra/processes.js'
import { startBareServer } from '../loadtest/bare-server-process.js'
import { cpuSecondsOf } from '../loadtest/process-stats.js'
import { createRawHttpClient } from './raw-http-client.js'
import { runWrk } from './wrk.js'

/** The two hot reads: what a till browses, and what a stock check asks. */
export const SATURATED_READS = ['catalog', 'stock'] as const
export type SaturatedRead = (typeof SATURATED_READS)[number]

/** Latency is reported in an open loop at this share of the closed-loop ceiling. */
export const OPEN_LOOP_SHARE = 0.8

export interface ClosedLoop {
  readonly requestsPerSecond: number
  readonly requests: number
  readonly errors: number
  /** CPU the serving process used per 1,000 answered requests. */
  readonly cpuMsPer1000: number
  /** CPU the region's MariaDB replica used per 1,000 answered requests. */
  readonly dbCpuMsPer1000: number
}

export interface OpenLoop {
  readonly rate: number
  /**
   * CPU this benchmark's own Node client spent per 1,000 requests: it shares the machine with
   * the server, so near the ceiling it is part of what the latency shows.
   */
  readonly generatorCpuMsPer1000: number
  readonly count: number
  readonly errors: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
}

export interface SaturationSide {
  /** The process measured: the region's service, or the bare baseline. */
  readonly process: string
  readonly closedLoop: ClosedLoop
  readonly openLoop: OpenLoop
}

export interface SaturationRead {
  readonly path: string
  /**
   * Stock reads only: the deltas the read sums on the replica. Stock on hand is a sum over the
   * store/SKU's ledger, so its cost grows with the history of sales; a fresh fleet has a few.
   */
  readonly ledgerRows?: number
  readonly platform: SaturationSide
  readonly bare: SaturationSide
  /** platform ÷ bare closed-loop throughput: the goal is ≥ 0.6. */
  readonly throughputRatio: number
  /** platform ÷ bare CPU per request. */
  readonly cpuRatio: number
}

export interface SaturationReport {
  readonly startedAt: string
  readonly machine: { readonly cpus: number; readonly node: string }
  readonly wanScale: number
  readonly tool: string
  readonly connections: number
  readonly warmupS: number
  readonly durationS: number
  readonly openLoopShare: number
  readonly regions: Partial<Record<RegionId, Record<SaturatedRead, SaturationRead>>>
}

export interface SaturationOptions {
  readonly regions: readonly RegionId[]
  readonly durationS: number
  readonly warmupS: number
  readonly connections: number
  readonly onRead?: (region: RegionId, read: SaturatedRead, row: SaturationRead) => void
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits

function pidOf(name: string): number {
  const p = listProcesses().find((x) => x.name === name)
  if (!p) throw new FleetError(`no ${name} in the fleet's process registry: the saturation benchmark needs the native fleet (pnpm fleet up)`, { exitCode: 2 })
  return p.pid
}

interface Target {
  readonly base: string
  readonly path: string
  readonly pid: number
  readonly process: string
  readonly headers: Record<string, string>
}

async function measure(t: Target, dbPid: number, o: SaturationOptions): Promise<SaturationSide> {
  const url = `${t.base}${t.path}`
  if (o.warmupS > 0) await runWrk({ url, connections: o.connections, durationS: o.warmupS, headers: t.headers })
  const cpu0 = cpuSecondsOf(t.pid)
  const db0 = cpuSecondsOf(dbPid)
  const closed = await runWrk({ url, connections: o.connections, durationS: o.durationS, headers: t.headers })
  const cpu = cpuSecondsOf(t.pid) - cpu0
  const db = cpuSecondsOf(dbPid) - db0
  const answered = Math.max(1, closed.requests - closed.errors)

  const ceiling = round(closed.requestsPerSecond, 0)
  const rate = Math.max(1, Math.floor(ceiling * OPEN_LOOP_SHARE))
  // Twice wrk's connections, so a burst queues in the server, not in the client.
  const client = createRawHttpClient(t.base, t.path, t.headers, o.connections * 2)
  try {
    const send = async () => (await client.get()) === 200
    // A second at the same rate first: connections open and the client's code compiled.
    await openLoopReads(rate, 1, send)
    const generator0 = process.cpuUsage()
    const open = await openLoopReads(rate, o.durationS, send)
    const generator = process.cpuUsage(generator0)
    const generatorMs = (generator.user + generator.system) / 1000
    return {
      process: t.process,
      closedLoop: {
        requestsPerSecond: ceiling,
        requests: closed.requests,
        errors: closed.errors,
        cpuMsPer1000: round((cpu * 1e6) / answered),
        dbCpuMsPer1000: round((db * 1e6) / answered),
      },
      openLoop: {
        rate,
        generatorCpuMsPer1000: round((generatorMs * 1000) / Math.max(1, open.count + open.errors)),
        count: open.count,
        errors: open.errors,
        p50: round(open.p50, 2),
        p90: round(open.p90, 2),
        p99: round(open.p99, 2),
      },
    }
  } finally {
    client.close()
  }
}

const ledgerRows = (region: RegionId, storeId: string, sku: string): Promise<number> =>
  admin(region, async (db) => {
    const [rows] = await db.query(`SELECT COUNT(*) AS n FROM ${DATABASE_NAME}.inventory_deltas WHERE store_id = ? AND sku = ?`, [storeId, sku])
    return Number((rows as Array<{ n: number }>)[0]?.n ?? 0)
  })

/**
 * Per region, one after another (the machine's cores are shared by every region): for the
 * catalog read and the stock read, the platform's service and the bare fastify + mysql2
 * handler on the same replica, side by side. wrk finds each one's closed-loop ceiling and
 * the CPU it costs; then an open loop at 80 % of that ceiling gives the latency there.
 */
export async function runSaturation(endpoints: Endpoints, o: SaturationOptions): Promise<SaturationReport> {
  const startedAt = new Date().toISOString()
  const regions: SaturationReport['regions'] = {}
  const item = catalogItem('mer_harbour', 'ESP-DBL')
  for (const region of o.regions) {
    const terminal = endpoints.terminals.find((t) => t.region === region && t.merchantId === 'mer_harbour')
    if (!terminal) throw new FleetError(`no mer_harbour terminal in ${region} in endpoints.json`, { exitCode: 2 })
    const e = endpoints.regions[region]
    const dbPid = pidOf(`mariadb-${region}`)
    const paths: Record<SaturatedRead, { path: string; base: string; process: string }> = {
      catalog: { path: '/v1/catalog/items', base: e.storefront, process: `storefront-${region}` },
      stock: { path: `/v1/inventory/${terminal.storeId}/${item.sku}`, base: e.inventoryDelta, process: `inventory-delta-${region}` },
    }
    const bare = await startBareServer(e.db.read, terminal.merchantId)
    try {
      const rows = {} as Record<SaturatedRead, SaturationRead>
      for (const read of SATURATED_READS) {
        const { path, base, process } = paths[read]
        const bareSide = await measure({ base: `http://127.0.0.1:${bare.port}`, path, pid: bare.pid, process: 'bare fastify + mysql2', headers: {} }, dbPid, o)
        const platformSide = await measure({ base, path, pid: pidOf(process), process, headers: { authorization: `Bearer ${terminal.apiKey}` } }, dbPid, o)
        rows[read] = {
          path,
          ...(read === 'stock' ? { ledgerRows: await ledgerRows(region, terminal.storeId, item.sku) } : {}),
          platform: platformSide,
          bare: bareSide,
          throughputRatio: round(platformSide.closedLoop.requestsPerSecond / bareSide.closedLoop.requestsPerSecond, 2),
          cpuRatio: round(platformSide.closedLoop.cpuMsPer1000 / bareSide.closedLoop.cpuMsPer1000, 2),
        }
        o.onRead?.(region, read, rows[read])
      }
      regions[region] = rows
    } finally {
      await bare.stop()
    }
  }
  const version = await execa('wrk', ['-v'], { reject: false, all: true })
  return {
    startedAt,
    machine: { cpus: availableParallelism(), node: process.version },
    wanScale: endpoints.wanScale,
    tool: version.all?.split('\n')[0]?.split(' [')[0]?.trim() || 'wrk',
    connections: o.connections,
    warmupS: o.warmupS,
    durationS: o.durationS,
    openLoopShare: OPEN_LOOP_SHARE,
    regions,
  }
}
