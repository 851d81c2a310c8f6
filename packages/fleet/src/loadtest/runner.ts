import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { type RegionId, REGION_IDS, catalogItem, rttMs } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import { repoRoot } from '../infra/paths.js'
import { openLoop } from './open-loop.js'
import { cpuDuring, processStats } from './process-stats.js'
import { type LoadtestReport, OPERATIONS, type Operation, type RegionReport } from './report-schema.js'
import { type LatencyRecorder, createLatencyRecorder, percentile, weightedCycle } from './stats.js'

export const DEFAULT_MIX: Record<Operation, number> = { browse: 40, stock: 20, checkout: 25, lookup: 10, restock: 5 }

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
      storefront: new Pool(e.storefront, { connections: 32 }),
      inventory: new Pool(e.inventoryDelta, { connections: 16 }),
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

  async function request(pool: Pool, path: string, method: 'GET' | 'POST', headers: Record<string, string>, body?: unknown) {
    const res = await pool.request({
      path,
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    })
    const text = await res.body.text()
    return { status: res.statusCode, text }
  }

  async function runOp(s: (typeof regionState)[number], op: Operation, n: number, scheduledAt: number): Promise<void> {
    const terminal = s.terminals[n % s.terminals.length]!
    const auth = { authorization: `Bearer ${terminal.apiKey}` }
    const { sku, priceMinor: price } = catalogItem(terminal.merchantId, SKU[terminal.merchantId]!)
    let status = 0
    try {
      switch (op) {
        case 'browse':
          status = (await request(s.storefront, '/v1/catalog/items?limit=50', 'GET', auth)).status
          break
        case 'stock':
          status = (await request(s.inventory, `/v1/inventory/${terminal.storeId}/${sku}`, 'GET', auth)).status
          break
        case 'checkout': {
          const method = n % 3 === 0 ? 'cash' : 'card'
          const r = await request(s.storefront, '/v1/sales', 'POST', { ...auth, 'idempotency-key': randomUUID() }, {
            storeId: terminal.storeId,
            lines: [{ sku, quantity: 1 }],
            payment: { method, ...(method === 'card' ? { token: 'tok_visa' } : {}), amountMinor: price },
          })
          status = r.status
          if (status === 201 || status === 202) {
            const sale = JSON.parse(r.text) as { saleId: string; sessionToken?: string }
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
            status = (await request(s.storefront, '/v1/catalog/items?limit=50', 'GET', auth)).status
            break
          }
          const headers = { authorization: `Bearer ${sale.apiKey}`, ...(sale.token ? { 'x-session-token': sale.token } : {}) }
          status = (await request(s.storefront, `/v1/sales/${sale.saleId}`, 'GET', headers)).status
          break
        }
        case 'restock': {
          const manager = s.managers.find((m) => m.merchantId === terminal.merchantId)!
          status = (
            await request(s.inventory, '/v1/inventory/deltas', 'POST', { authorization: `Bearer ${manager.apiKey}` }, {
              deltaId: `load-${randomUUID()}`,
              storeId: terminal.storeId,
              sku,
              quantity: 1,
              reason: 'restock',
            })
          ).status
          break
        }
      }
    } catch (err) {
      failed++
      if (!measured(scheduledAt)) {
        warmupErrors++
        return
      }
      const key = (err as { code?: string }).code ?? 'transport'
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
  const writerPool = new Pool(endpoints.regions[writer].storefront, { connections: 2 })
  const probes = (async () => {
    while (running) {
      try {
        const r = await request(writerPool, '/v1/sales', 'POST', { authorization: `Bearer ${probeTerminal.apiKey}`, 'idempotency-key': randomUUID() }, {
          storeId: probeTerminal.storeId,
          lines: [{ sku: SKU.mer_harbour!, quantity: 1 }],
          payment: { method: 'cash', amountMinor: catalogItem('mer_harbour', SKU.mer_harbour!).priceMinor },
        })
        const committedAt = performance.now()
        if (r.status === 201) {
          const { saleId } = JSON.parse(r.text) as { saleId: string }
          await Promise.all(
            REGION_IDS.filter((id) => id !== writer).map(async (region) => {
              const s = regionState.find((x) => x.region === region)!
              const key = s.terminals.find((t) => t.merchantId === 'mer_harbour')!.apiKey
              const deadline = committedAt + 10_000
              while (performance.now() < deadline) {
                const res = await request(s.storefront, `/v1/sales/${saleId}`, 'GET', { authorization: `Bearer ${key}` })
                if (res.status === 200) {
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
    await Promise.all([s.storefront.close(), s.inventory.close()])
  }
  await writerPool.close()

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
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./bare-catalog-server.ts', import.meta.url).pathname], {
    cwd: repoRoot,
    env: { ...process.env, DB_READ_URL: endpoints.regions[region].db.read, MERCHANT_ID: terminal.merchantId },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bare baseline server exited (${code})`)))
      child.stdout.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port))
    })
    const bare = new Pool(`http://127.0.0.1:${port}`, { connections: 16 })
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
    child.kill('SIGTERM')
  }
}


