import { randomUUID } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { type InventoryClient, type StorefrontClient, inventoryClient, storefrontClient } from '@pos-fleet/api-client/index'
import { type RegionId, REGION_IDS, catalogItem, rttMs } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import { startBareServer } from './bare-server-process.js'
import { openLoop } from './open-loop.js'
import { cpuDuring, processStats } from './process-stats.js'
import { type LoadtestReport, OPERATIONS, type Operation, type RegionReport } from './report-schema.js'
import { type LatencyRecorder, createLatencyRecorder, percentile, weightedCycle } from './stats.js'

export { DEFAULT_MIX } from './options.js'

export interface LoadtestOptions {
  durationS: number
  ratePerRegion: number
  mix: Record<Operation, number>
  /**
   * Seconds of the same load before measuring starts, discarded: JIT compilation, connection
   * pools and consumer groups settle first, so the measured window shows the steady state.
   */
  warmupS?: number
  /** Seconds of the side-by-side baseline phase after the main run. */
  baselineS: number
  onProgress?: (elapsedS: number, totalS: number, completed: number, errors: number) => void
}

interface OpStats {
  latency: LatencyRecorder
  errors: Record<string, number>
}

/** What each demo merchant's terminals sell: well-stocked items, at the spec's prices. */
const SKU: Record<string, string> = { mer_harbour: 'ESP-DBL', mer_linden: 'BK-NOVEL' }

/** A terminal gives up on an answer (its headers, then its body) after this. */
const ANSWER_TIMEOUT_MS = 10_000

/** The generated client over its own undici pool of keep-alive connections. */
function pooled<C>(create: (url: string, o: { requestInitExt: { dispatcher: Pool } }) => C, url: string, connections: number): { client: C; pool: Pool } {
  const pool = new Pool(url, { connections, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS })
  return { client: create(url, { requestInitExt: { dispatcher: pool } }), pool }
}

/** fetch fails with a TypeError whose cause is undici's error: its code names the failure. */
function transportError(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } }
  return e.cause?.code ?? e.code ?? 'transport'
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` })

function ok(status: number, op: Operation): boolean {
  if (op === 'checkout' || op === 'restock') return status === 201 || status === 202 || status === 200
  return status === 200
}

/**
 * Simulated POS terminals in every region, each against its own region's services,
 * running the operation mix open-loop at the given rate; meanwhile probes measure how
 * long a sale committed at the writer takes to become visible in each reader region.
 */
export async function runLoadtest(endpoints: Endpoints, o: LoadtestOptions): Promise<LoadtestReport> {
  const durationMs = o.durationS * 1000
  const warmupMs = (o.warmupS ?? 0) * 1000
  const startedAt = new Date().toISOString()
  const loadStart = performance.now()
  // The measured window starts after the warm-up; every time in the report counts from here.
  const t0 = loadStart + warmupMs
  const measured = (at: number) => at >= t0
  let procsBefore = processStats()
  let generatorCpuBefore = process.cpuUsage()
  const warmupDone = setTimeout(() => {
    procsBefore = processStats()
    generatorCpuBefore = process.cpuUsage()
  }, warmupMs)
  let warmupErrors = 0
  let completed = 0
  let failed = 0
  let running = true

  const regionState = REGION_IDS.map((region) => {
    const e = endpoints.regions[region]
    const terminals = endpoints.terminals.filter((t) => t.region === region)
    return {
      region,
      storefront: pooled<StorefrontClient>(storefrontClient, e.storefront, 32),
      inventory: pooled<InventoryClient>(inventoryClient, e.inventoryDelta, 16),
      terminals,
      managers: endpoints.inventoryManagers,
      ops: Object.fromEntries(OPERATIONS.map((op) => [op, { latency: createLatencyRecorder(), errors: {} } satisfies OpStats])) as Record<Operation, OpStats>,
      checkoutLatencies: createLatencyRecorder(),
      accepted: 0,
      provisional: 0,
      recent: [] as Array<{ saleId: string; token?: string; apiKey: string }>,
      perSecond: new Map<number, number[]>(),
    }
  })

  const browse = (s: (typeof regionState)[number], apiKey: string) =>
    s.storefront.client.GET('/v1/catalog/items', { params: { query: { limit: 50 } }, headers: bearer(apiKey) })

  async function runOp(s: (typeof regionState)[number], op: Operation, n: number, scheduledAt: number): Promise<void> {
    const terminal = s.terminals[n % s.terminals.length]!
    const auth = bearer(terminal.apiKey)
    const { sku, priceMinor: price } = catalogItem(terminal.merchantId, SKU[terminal.merchantId]!)
    let status = 0
    try {
      switch (op) {
        case 'browse':
          status = (await browse(s, terminal.apiKey)).response.status
          break
        case 'stock':
          status = (await s.inventory.client.GET('/v1/inventory/{storeId}/{sku}', { params: { path: { storeId: terminal.storeId, sku } }, headers: auth })).response
            .status
          break
        case 'checkout': {
          const method = n % 3 === 0 ? 'cash' : 'card'
          const { data: sale, response } = await s.storefront.client.POST('/v1/sales', {
            params: { header: { 'idempotency-key': randomUUID() } },
            headers: auth,
            body: {
              storeId: terminal.storeId,
              lines: [{ sku, quantity: 1 }],
              payment: { method, ...(method === 'card' ? { token: 'tok_visa' } : {}), amountMinor: price },
            },
          })
          status = response.status
          if (sale && (status === 201 || status === 202)) {
            s.accepted++
            if (status === 202) s.provisional++
            s.recent.push({ saleId: sale.saleId, apiKey: terminal.apiKey, ...(sale.sessionToken ? { token: sale.sessionToken } : {}) })
            if (s.recent.length > 200) s.recent.shift()
          }
          break
        }
        case 'lookup': {
          // A receipt reprint: the terminal's own recent sale, read with its session token.
          const sale = s.recent[n % Math.max(1, s.recent.length)]
          if (!sale) {
            status = (await browse(s, terminal.apiKey)).response.status
            break
          }
          status = (
            await s.storefront.client.GET('/v1/sales/{saleId}', {
              params: { path: { saleId: sale.saleId }, header: sale.token ? { 'x-session-token': sale.token } : {} },
              headers: bearer(sale.apiKey),
            })
          ).response.status
          break
        }
        case 'restock': {
          const manager = s.managers.find((m) => m.merchantId === terminal.merchantId)!
          status = (
            await s.inventory.client.POST('/v1/inventory/deltas', {
              headers: bearer(manager.apiKey),
              body: { deltaId: `load-${randomUUID()}`, storeId: terminal.storeId, sku, quantity: 1, reason: 'restock' },
            })
          ).response.status
          break
        }
      }
    } catch (err) {
      failed++
      if (!measured(scheduledAt)) {
        warmupErrors++
        return
      }
      const key = transportError(err)
      s.ops[op].errors[key] = (s.ops[op].errors[key] ?? 0) + 1
      return
    }
    completed++
    if (!measured(scheduledAt)) {
      if (!ok(status, op)) {
        failed++
        warmupErrors++
      }
      return
    }
    const ms = performance.now() - scheduledAt
    const stats = s.ops[op]
    stats.latency.record(ms)
    if (op === 'checkout') s.checkoutLatencies.record(ms)
    const second = Math.floor((performance.now() - t0) / 1000)
    const bucket = s.perSecond.get(second) ?? []
    bucket.push(ms)
    s.perSecond.set(second, bucket)
    if (!ok(status, op)) {
      stats.errors[String(status)] = (stats.errors[String(status)] ?? 0) + 1
      failed++
    }
  }

  // Replication lag, probed: commit at the writer, poll each reader until the sale is visible.
  const lag: Record<RegionId, Array<{ t: number; lagMs: number }>> = Object.fromEntries(REGION_IDS.map((r) => [r, []])) as never
  const writer = endpoints.writer
  const probeTerminal = endpoints.terminals.find((t) => t.region === writer && t.merchantId === 'mer_harbour')!
  const writerStorefront = pooled<StorefrontClient>(storefrontClient, endpoints.regions[writer].storefront, 2)
  const probes = (async () => {
    while (running) {
      try {
        const { data: sale, response } = await writerStorefront.client.POST('/v1/sales', {
          params: { header: { 'idempotency-key': randomUUID() } },
          headers: bearer(probeTerminal.apiKey),
          body: {
            storeId: probeTerminal.storeId,
            lines: [{ sku: SKU.mer_harbour!, quantity: 1 }],
            payment: { method: 'cash', amountMinor: catalogItem('mer_harbour', SKU.mer_harbour!).priceMinor },
          },
        })
        const committedAt = performance.now()
        if (sale && response.status === 201) {
          const { saleId } = sale
          await Promise.all(
            REGION_IDS.filter((id) => id !== writer).map(async (region) => {
              const s = regionState.find((x) => x.region === region)!
              const key = s.terminals.find((t) => t.merchantId === 'mer_harbour')!.apiKey
              const deadline = committedAt + 10_000
              while (performance.now() < deadline) {
                const res = await s.storefront.client.GET('/v1/sales/{saleId}', { params: { path: { saleId } }, headers: bearer(key) })
                if (res.response.status === 200) {
                  if (measured(committedAt)) lag[region].push({ t: (committedAt - t0) / 1000, lagMs: performance.now() - committedAt })
                  return
                }
                await sleep(2)
              }
            }),
          )
        }
      } catch {
        // A failed probe is just a missing sample.
      }
      await sleep(500)
    }
  })()

  const totalS = (o.warmupS ?? 0) + o.durationS
  const ticker = setInterval(() => o.onProgress?.((performance.now() - loadStart) / 1000, totalS, completed, failed), 1000)
  await Promise.all(
    regionState.map(async (s) => {
      const next = weightedCycle(o.mix)
      let n = 0
      await openLoop(o.ratePerRegion, warmupMs + durationMs, (scheduledAt) => runOp(s, next(), n++, scheduledAt), loadStart)
    }),
  )
  running = false
  clearInterval(ticker)
  clearTimeout(warmupDone)
  await probes
  o.onProgress?.(totalS, totalS, completed, failed)
  // Before the baseline phase, which loads one region on its own.
  const procs = cpuDuring(procsBefore, processStats())
  const generatorCpu = process.cpuUsage(generatorCpuBefore)
  const sharedProcesses = [
    ...procs.filter((p) => !REGION_IDS.some((r) => p.name.endsWith(r))),
    {
      name: 'load generator (this process)',
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      cpuSeconds: Math.round((generatorCpu.user + generatorCpu.system) / 10_000) / 100,
    },
  ]

  const baseline = o.baselineS > 0 ? await measureBaseline(endpoints, o.baselineS) : null

  const regions = {} as Record<RegionId, RegionReport>
  for (const s of regionState) {
    const floor = rttMs(s.region, writer) * endpoints.wanScale
    const checkout = s.checkoutLatencies.summary()
    const samples = lag[s.region].map((x) => x.lagMs)
    regions[s.region] = {
      role: s.region === writer ? 'writer' : 'reader',
      rttFloorMs: floor,
      operations: Object.fromEntries(
        OPERATIONS.map((op) => {
          const l = s.ops[op].latency
          return [op, { count: l.count, throughput: l.count / o.durationS, errors: s.ops[op].errors, latencyMs: l.summary(), cdf: l.cdf() }]
        }),
      ) as RegionReport['operations'],
      remoteWriteOverheadMs: { p50: checkout.p50 - floor, p99: checkout.p99 - floor },
      storeAndForwardShare: s.accepted === 0 ? 0 : s.provisional / s.accepted,
      replicationLagMs:
        s.region === writer ? null : { p50: percentile(samples, 50), p99: percentile(samples, 99), max: percentile(samples, 100), samples: samples.length },
      timeline: [...s.perSecond.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, v]) => ({ t, throughput: v.length, p99Ms: percentile(v, 99) })),
      lagTimeline: lag[s.region],
      processes: procs.filter((p) => p.name.endsWith(s.region)),
    }
    await Promise.all([s.storefront.pool.close(), s.inventory.pool.close()])
  }
  await writerStorefront.pool.close()

  const report: LoadtestReport = {
    version: 1,
    startedAt,
    durationS: o.durationS,
    warmupS: o.warmupS ?? 0,
    ratePerRegion: o.ratePerRegion,
    mix: o.mix,
    wanScale: endpoints.wanScale,
    writer,
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
    regions,
    baseline,
    sharedProcesses,
    problems: [],
  }
  report.problems = findProblems(report)
  if (warmupErrors > 0) report.problems.push(`${warmupErrors} requests failed during the warm-up`)
  return report
}

/** What makes a run unfit to quote: missing operations, errors, no lag samples. */
export function findProblems(r: LoadtestReport): string[] {
  const problems: string[] = []
  for (const [region, rr] of Object.entries(r.regions)) {
    for (const op of OPERATIONS) {
      const s = rr.operations[op]
      if (r.mix[op] > 0 && s.count === 0) problems.push(`${region}: no ${op} completed`)
      const errors = Object.values(s.errors).reduce((a, b) => a + b, 0)
      if (errors > 0) problems.push(`${region}: ${errors} ${op} errors (${JSON.stringify(s.errors)})`)
    }
    if (rr.role === 'reader' && (!rr.replicationLagMs || rr.replicationLagMs.samples === 0)) problems.push(`${region}: no replication lag samples`)
  }
  const b = r.baseline
  if (b && (b.errors.bare > 0 || b.errors.platform > 0)) problems.push(`baseline: ${b.errors.bare} bare and ${b.errors.platform} platform requests failed`)
  if (b && (b.bare.count === 0 || b.platform.count === 0)) problems.push('baseline: a handler answered nothing')

  return problems
}

async function measureBaseline(endpoints: Endpoints, seconds: number): Promise<NonNullable<LoadtestReport['baseline']>> {
  const region = REGION_IDS.find((r) => r !== endpoints.writer)!
  const terminal = endpoints.terminals.find((t) => t.region === region)!
  const server = await startBareServer(endpoints.regions[region].db.read, terminal.merchantId)
  try {
    const bare = new Pool(`http://127.0.0.1:${server.port}`, { connections: 16 })
    const platform = new Pool(endpoints.regions[region].storefront, { connections: 16 })
    const rec = { bare: createLatencyRecorder(), platform: createLatencyRecorder() }
    const errors = { bare: 0, platform: 0 }
    const hit = async (which: 'bare' | 'platform', pool: Pool, at: number, headers: Record<string, string>) => {
      try {
        const res = await pool.request({ path: '/v1/catalog/items?limit=50', method: 'GET', headers })
        await res.body.dump()
        if (res.statusCode === 200) rec[which].record(performance.now() - at)
        else errors[which]++
      } catch {
        errors[which]++
      }
    }
    // Side by side: both at the same rate at the same time, so machine noise hits both.
    await openLoop(200, seconds * 1000, async (at) => {
      await Promise.all([hit('bare', bare, at, {}), hit('platform', platform, at, { authorization: `Bearer ${terminal.apiKey}` })])
    })
    await Promise.all([bare.close(), platform.close()])
    const b = rec.bare.summary()
    const p = rec.platform.summary()
    return { region, bare: b, platform: p, errors, ratioP50: b.p50 > 0 ? p.p50 / b.p50 : 0, ratioP99: b.p99 > 0 ? p.p99 / b.p99 : 0 }
  } finally {
    await server.stop()
  }
}


