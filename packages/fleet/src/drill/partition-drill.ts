import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { type RegionId, REGION_IDS, catalogItem, isRegionId } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import { databaseUrls } from '../infra/mariadb.js'
import { setRegionLinks } from '../infra/toxiproxy.js'

export interface DrillOptions {
  region: RegionId
  partitionMs: number
  /** Sales per second per terminal (each region has one terminal per merchant). */
  rate: number
  convergeTimeoutMs: number
  log: (line: string) => void
}

interface Accepted {
  region: RegionId
  merchantId: string
  storeId: string
  key: string
  saleId: string
  mode: 'online' | 'offline'
  method: 'card' | 'cash'
  paymentId: string
  lines: Array<{ sku: string; quantity: number }>
}

interface Restock {
  region: RegionId
  merchantId: string
  storeId: string
  sku: string
  deltaId: string
  quantity: number
  mode: 'online' | 'offline'
}

export interface RegionReport {
  salesOnline: number
  salesOffline: number
  refused: number
  restocksOnline: number
  restocksOffline: number
}

export interface DrillReport {
  region: RegionId
  partitionMs: number
  perRegion: Record<RegionId, RegionReport>
  accepted: number
  reconciled: number
  lost: number
  duplicated: number
  paymentsCapturedOnce: boolean
  paymentsNotSettled: number
  stockConverged: boolean
  stockMismatches: string[]
  oversold: Array<{ storeId: string; sku: string; onHand: number }>
  convergeMs: number | null
  ok: boolean
}

/** Two items per demo merchant, at the spec's prices. */
const SKUS: Record<string, Array<{ sku: string; price: number }>> = Object.fromEntries(
  Object.entries({ mer_harbour: ['ESP-DBL', 'CRS-BTR'], mer_linden: ['BK-NOVEL', 'BAG-TOTE'] }).map(([merchantId, skus]) => [
    merchantId,
    skus.map((sku) => ({ sku, price: catalogItem(merchantId, sku).priceMinor })),
  ]),
)

async function http(url: string, init: { apiKey: string; body?: unknown; headers?: Record<string, string> }) {
  const res = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${init.apiKey}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.headers ?? {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  })
  return { status: res.status, body: (await res.json()) as any }
}

/**
 * Cuts one region's WAN links while every region's terminals keep selling and its
 * inventory managers keep restocking; heals; waits for convergence; then checks the
 * invariants against the writer's database, the gateway's ledger and every region's
 * stock answer. Terminals retry a request that got no answer with the same
 * Idempotency-Key, as a real terminal must.
 */
export async function runPartitionDrill(endpoints: Endpoints, o: DrillOptions): Promise<DrillReport> {
  const perRegion = Object.fromEntries(
    REGION_IDS.map((r) => [r, { salesOnline: 0, salesOffline: 0, refused: 0, restocksOnline: 0, restocksOffline: 0 }]),
  ) as Record<RegionId, RegionReport>
  const accepted: Accepted[] = []
  const restocks: Restock[] = []
  const stores = endpoints.terminals.map((t) => ({ ...t, manager: endpoints.inventoryManagers.find((m) => m.merchantId === t.merchantId)! }))

  // Baseline stock, read where it is authoritative: the writer region.
  const baseline = new Map<string, number>()
  for (const s of stores) {
    for (const { sku } of SKUS[s.merchantId]!) {
      const r = await http(`${endpoints.regions[endpoints.writer].inventoryDelta}/v1/inventory/${s.storeId}/${sku}`, { apiKey: s.manager.apiKey })
      baseline.set(`${s.storeId}/${sku}`, r.body.onHand)
    }
  }

  async function sell(s: (typeof stores)[number], n: number): Promise<void> {
    const item = SKUS[s.merchantId]![n % 2]!
    const quantity = 1 + (n % 2)
    const method: 'card' | 'cash' = n % 3 === 0 ? 'cash' : 'card'
    const body = {
      storeId: s.storeId,
      lines: [{ sku: item.sku, quantity }],
      payment: { method, ...(method === 'card' ? { token: 'tok_visa' } : {}), amountMinor: item.price * quantity },
    }
    const key = `drill-${randomUUID()}`
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const r = await http(`${endpoints.regions[s.region].storefront}/v1/sales`, { apiKey: s.apiKey, body, headers: { 'idempotency-key': key } })
        if (r.status === 201 || r.status === 202) {
          perRegion[s.region][r.status === 201 ? 'salesOnline' : 'salesOffline']++
          accepted.push({
            region: s.region,
            merchantId: s.merchantId,
            storeId: s.storeId,
            key,
            saleId: r.body.saleId,
            mode: r.status === 201 ? 'online' : 'offline',
            method,
            paymentId: r.body.payment.paymentId,
            lines: body.lines,
          })
        } else perRegion[s.region].refused++
        return
      } catch {
        await sleep(200)
      }
    }
    perRegion[s.region].refused++
  }

  async function restock(s: (typeof stores)[number], n: number): Promise<void> {
    const item = SKUS[s.merchantId]![n % 2]!
    const deltaId = `drill-restock-${randomUUID()}`
    const body = { deltaId, storeId: s.storeId, sku: item.sku, quantity: 5, reason: 'restock' }
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const r = await http(`${endpoints.regions[s.region].inventoryDelta}/v1/inventory/deltas`, { apiKey: s.manager.apiKey, body })
        if (r.status === 201 || r.status === 200 || r.status === 202) {
          const mode = r.status === 202 ? 'offline' : 'online'
          perRegion[s.region][mode === 'online' ? 'restocksOnline' : 'restocksOffline']++
          restocks.push({ region: s.region, merchantId: s.merchantId, storeId: s.storeId, sku: item.sku, deltaId, quantity: 5, mode })
        }
        return
      } catch {
        await sleep(200)
      }
    }
  }

  const warmupMs = 2_000
  const tailMs = 2_000
  const totalMs = warmupMs + o.partitionMs + tailMs
  let stop = false
  const load = stores.map(async (s) => {
    const started = performance.now()
    const inflight: Promise<void>[] = []
    for (let n = 0; !stop; n++) {
      const due = started + (n * 1000) / o.rate
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      if (stop) break
      inflight.push(n % 5 === 4 ? restock(s, n) : sell(s, n))
    }
    await Promise.all(inflight)
  })

  o.log(`drill: ${stores.length} terminals selling at ${o.rate}/s each; cutting ${o.region} in ${warmupMs / 1000} s for ${o.partitionMs / 1000} s`)
  await sleep(warmupMs)
  await setRegionLinks(o.region, false)
  o.log(`drill: ${o.region} cut off`)
  await sleep(o.partitionMs)
  await setRegionLinks(o.region, true)
  const healedAt = performance.now()
  o.log(`drill: ${o.region} healed; selling on for ${tailMs / 1000} s`)
  await sleep(Math.max(0, totalMs - warmupMs - o.partitionMs))
  stop = true
  await Promise.all(load)

  const expected = new Map(baseline)
  for (const a of accepted) for (const l of a.lines) expected.set(`${a.storeId}/${l.sku}`, (expected.get(`${a.storeId}/${l.sku}`) ?? 0) - l.quantity)
  for (const r of restocks) expected.set(`${r.storeId}/${r.sku}`, (expected.get(`${r.storeId}/${r.sku}`) ?? 0) + r.quantity)

  const db = await mysql.createConnection({ uri: databaseUrls(endpoints.writer, endpoints.writer).migrate })
  try {
    const keys = accepted.map((a) => a.key)
    const deltaIds = restocks.map((r) => r.deltaId)
    const check = async () => {
      const [saleRows] = (await db.query(
        `SELECT s.id, s.idempotency_key AS k, p.status AS payment FROM sales s JOIN payments p ON p.sale_id = s.id WHERE s.idempotency_key IN (?)`,
        [keys.length ? keys : ['-']],
      )) as [Array<{ id: string; k: string; payment: string }>, unknown]
      const [deltaRows] = (await db.query('SELECT delta_id FROM inventory_deltas WHERE delta_id IN (?)', [deltaIds.length ? deltaIds : ['-']])) as [
        Array<{ delta_id: string }>,
        unknown,
      ]
      const byKey = new Map<string, number>()
      for (const r of saleRows) byKey.set(r.k, (byKey.get(r.k) ?? 0) + 1)
      const ids = new Set(saleRows.map((r) => r.id))
      const lost = accepted.filter((a) => !ids.has(a.saleId)).length + (deltaIds.length - deltaRows.length)
      const duplicated = [...byKey.values()].reduce((d, n) => d + (n - 1), 0)
      const unsettled = saleRows.filter((r) => r.payment === 'pending').length
      const mismatches: string[] = []
      for (const [k, want] of expected) {
        const [storeId, sku] = k.split('/') as [string, string]
        const s = stores.find((x) => x.storeId === storeId)!
        for (const region of REGION_IDS) {
          const r = await http(`${endpoints.regions[region].inventoryDelta}/v1/inventory/${storeId}/${sku}`, { apiKey: s.manager.apiKey })
          if (r.body.onHand !== want || r.body.pendingLocal !== 0) mismatches.push(`${k} in ${region}: ${r.body.onHand} (pending ${r.body.pendingLocal}), expected ${want}`)
        }
      }
      return { lost, duplicated, unsettled, mismatches }
    }

    let state = await check()
    const deadline = performance.now() + o.convergeTimeoutMs
    while ((state.lost > 0 || state.unsettled > 0 || state.mismatches.length > 0) && performance.now() < deadline) {
      await sleep(500)
      state = await check()
    }
    const converged = state.lost === 0 && state.unsettled === 0 && state.mismatches.length === 0
    const convergeMs = converged ? Math.round(performance.now() - healedAt) : null

    // Exactly one charge per card payment in the gateway's own ledger.
    let capturedOnce = true
    for (const a of accepted.filter((x) => x.method === 'card')) {
      const r = await fetch(`${endpoints.paymentGateway}/v1/charges?paymentId=${a.paymentId}`)
      const body = (await r.json()) as { charges: unknown[] }
      if (body.charges.length !== 1) capturedOnce = false
    }
    const oversold: DrillReport['oversold'] = []
    for (const m of endpoints.inventoryManagers) {
      const r = await http(`${endpoints.regions[endpoints.writer].inventoryDelta}/v1/inventory/oversold`, { apiKey: m.apiKey })
      oversold.push(...r.body.items)
    }
    const reconciled = accepted.filter((a) => a.mode === 'offline').length
    return {
      region: o.region,
      partitionMs: o.partitionMs,
      perRegion,
      accepted: accepted.length + restocks.length,
      reconciled: converged ? reconciled : 0,
      lost: state.lost,
      duplicated: state.duplicated,
      paymentsCapturedOnce: capturedOnce,
      paymentsNotSettled: state.unsettled,
      stockConverged: state.mismatches.length === 0,
      stockMismatches: state.mismatches.slice(0, 10),
      oversold,
      convergeMs,
      ok: converged && state.duplicated === 0 && capturedOnce,
    }
  } finally {
    await db.end()
  }
}

export function parseDrillRegion(raw: string | undefined, writer: RegionId): RegionId {
  if (!raw) throw new Error('--region is required, e.g. --region eu-central-1')
  if (!isRegionId(raw)) throw new Error(`--region must be one of ${REGION_IDS.join(', ')} (got "${raw}")`)
  if (raw === writer) throw new Error(`--region ${raw} is the writer: cutting it is a failover, not a partition of a reader (use drill failover)`)
  return raw
}

export function formatReport(r: DrillReport): string {
  const lines = [`partition drill: ${r.region} cut off for ${r.partitionMs / 1000} s`, '']
  lines.push(`${'region'.padEnd(16)}${'sales online'.padStart(13)}${'offline'.padStart(9)}${'refused'.padStart(9)}${'restocks on'.padStart(13)}${'offline'.padStart(9)}`)
  for (const [region, v] of Object.entries(r.perRegion)) {
    lines.push(
      `${region.padEnd(16)}${String(v.salesOnline).padStart(13)}${String(v.salesOffline).padStart(9)}${String(v.refused).padStart(9)}${String(v.restocksOnline).padStart(13)}${String(v.restocksOffline).padStart(9)}`,
    )
  }
  lines.push(
    '',
    `accepted (sales + restocks)   ${r.accepted}`,
    `reconciled offline sales      ${r.reconciled}`,
    `lost                          ${r.lost}${r.lost === 0 ? '' : '   <-- FAIL'}`,
    `duplicated                    ${r.duplicated}${r.duplicated === 0 ? '' : '   <-- FAIL'}`,
    `payments captured exactly once ${r.paymentsCapturedOnce ? 'yes' : 'NO   <-- FAIL'} (${r.paymentsNotSettled} not settled)`,
    `stock identical everywhere and = sum of accepted deltas  ${r.stockConverged ? 'yes' : 'NO   <-- FAIL'}`,
    ...r.stockMismatches.map((m) => `    ${m}`),
    `oversold SKUs                 ${r.oversold.length === 0 ? 'none' : r.oversold.map((x) => `${x.storeId}/${x.sku}=${x.onHand}`).join(', ')}`,
    `time to converge after heal   ${r.convergeMs === null ? 'did not converge' : `${(r.convergeMs / 1000).toFixed(1)} s`}`,
    '',
    r.ok ? 'PASS' : 'FAIL',
  )
  return lines.join('\n')
}
