import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'
import { type RegionId, REGION_IDS, catalogItem, rttMs } from '@pos-fleet/topology'
import { endpointsFile, readEndpoints } from './endpoints.js'
import { openLoop } from './loadtest/open-loop.js'
import { createLatencyRecorder } from './loadtest/stats.js'

/** Catalog reads open-loop (latency from the scheduled send), through the load test's loop and HDR recorder. */
async function openLoopReads(rate: number, durationS: number, send: () => Promise<boolean>) {
  const latency = createLatencyRecorder()
  let errors = 0
  await openLoop(rate, durationS * 1000, async (scheduledAt) => {
    const ok = await send().catch(() => false)
    if (ok) latency.record(performance.now() - scheduledAt)
    else errors++
  })
  return { ...latency.summary(), errors }
}

const fmt = (n: number) => n.toFixed(2).padStart(8)

export async function runBench(args: string[], log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { duration: { type: 'string', default: '20' }, rate: { type: 'string', default: '500' }, writes: { type: 'string', default: '30' } },
    strict: true,
  })
  const durationS = Number(values.duration)
  const rate = Number(values.rate)
  const writes = Number(values.writes)
  for (const [name, v] of [['duration', durationS], ['rate', rate], ['writes', writes]] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`)
  }
  const endpoints = readEndpoints(endpointsFile)
  log(`bench: catalog reads open-loop at ${rate} req/s per region for ${durationS} s (regions one after another), then ${writes} sequential sales per region`)
  log(`WAN scale ${endpoints.wanScale}; writer ${endpoints.writer}\n`)
  log('local catalog read (GET /v1/catalog/items), ms from scheduled send')
  log(`${'region'.padEnd(16)}${'count'.padStart(8)}${'errors'.padStart(8)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`)
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
    log(`${region.padEnd(16)}${String(s.count).padStart(8)}${String(s.errors).padStart(8)}${fmt(s.p50)}${fmt(s.p90)}${fmt(s.p99)}${fmt(s.max)}`)
    await pool.close()
  }

  log('\nsale commit (POST /v1/sales, one round trip to the writer), ms')
  log(`${'region'.padEnd(16)}${'count'.padStart(8)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'RTT floor'.padStart(11)}${'p50-RTT'.padStart(9)}`)
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
    const floor = rttMs(region as RegionId, endpoints.writer) * endpoints.wanScale
    log(`${region.padEnd(16)}${String(s.count).padStart(8)}${fmt(s.p50)}${fmt(s.p99)}${fmt(floor).padStart(11)}${fmt(s.p50 - floor).padStart(9)}`)
  }
}
