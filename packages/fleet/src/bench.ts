import { randomUUID } from 'node:crypto'
import { Pool } from 'undici'
import { type RegionId, REGION_IDS, catalogItem, rttMs } from '@pos-fleet/topology'
import type { Endpoints } from './endpoints.js'
import { openLoop } from './loadtest/open-loop.js'
import { createLatencyRecorder } from './loadtest/stats.js'

/** Catalog reads open-loop (latency from the scheduled send), through the load test's loop and HDR recorder. */
export async function openLoopReads(rate: number, durationS: number, send: () => Promise<boolean>) {
  const latency = createLatencyRecorder()
  let errors = 0
  await openLoop(rate, durationS * 1000, async (scheduledAt) => {
    const ok = await send().catch(() => false)
    if (ok) latency.record(performance.now() - scheduledAt)
    else errors++
  })
  return { ...latency.summary(), errors }
}

export interface BenchOptions {
  /** How long catalog reads run in each region. */
  readonly durationMs: number
  /** Catalog reads per second, open loop. */
  readonly rate: number
  /** Sequential sales per region. */
  readonly writes: number
}

export interface BenchReadRow {
  readonly region: RegionId
  readonly count: number
  readonly errors: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

export interface BenchWriteRow {
  readonly region: RegionId
  readonly count: number
  readonly p50: number
  readonly p99: number
  /** The WAN round trip to the writer a remote sale cannot beat. */
  readonly floorMs: number
}

/** Measures region by region, reporting each row as it completes (the whole run takes minutes). */
export async function runBench(
  endpoints: Endpoints,
  o: BenchOptions,
  on: { readonly read: (row: BenchReadRow) => void; readonly write: (row: BenchWriteRow) => void; readonly writesStart?: () => void },
): Promise<void> {
  const { rate, writes } = o
  const durationS = o.durationMs / 1000
  for (const region of REGION_IDS) {
    const terminal = endpoints.terminals.find((t) => t.region === region)!
    const pool = new Pool(endpoints.regions[region].storefront, { connections: 32, pipelining: 1 })
    const headers = { authorization: `Bearer ${terminal.apiKey}` }
    const send = async () => {
      const res = await pool.request({ path: '/v1/catalog/items', method: 'GET', headers })
      await res.body.dump()
      return res.statusCode === 200
    }
    for (let i = 0; i < 50; i++) await send()
    const s = await openLoopReads(rate, durationS, send)
    on.read({ region, ...s })
    await pool.close()
  }

  on.writesStart?.()
  const item = catalogItem('mer_harbour', 'ESP-DBL')
  for (const region of REGION_IDS) {
    const terminal = endpoints.terminals.find((t) => t.region === region && t.merchantId === 'mer_harbour')!
    const pool = new Pool(endpoints.regions[region].storefront, { connections: 4 })
    const latency = createLatencyRecorder()
    for (let i = 0; i < writes; i++) {
      const started = performance.now()
      const res = await pool.request({
        path: '/v1/sales',
        method: 'POST',
        headers: { authorization: `Bearer ${terminal.apiKey}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
        body: JSON.stringify({ storeId: terminal.storeId, lines: [{ sku: item.sku, quantity: 1 }], payment: { method: 'cash', amountMinor: item.priceMinor } }),
      })
      await res.body.dump()
      if (res.statusCode === 201) latency.record(performance.now() - started)
    }
    await pool.close()
    const s = latency.summary()
    on.write({ region, count: s.count, p50: s.p50, p99: s.p99, floorMs: rttMs(region, endpoints.writer) * endpoints.wanScale })
  }
}
