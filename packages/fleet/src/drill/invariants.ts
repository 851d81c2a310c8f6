import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { REGION_IDS } from '@pos-fleet/topology'
import type { Endpoints } from '../endpoints.js'
import { databaseUrls } from '../infra/mariadb.js'
import { gatewayClient } from '@pos-fleet/api-client/index'
import { type PosLoad, drillInventory, expectedStock, readStock } from './load.js'

/**
 * What a drill proves once the fault is over, checked against the writer's database, the
 * gateway's own ledger and every region's stock answer: nothing accepted is missing, nothing is
 * doubled, every payment settled and captured once, stock identical everywhere.
 */
export interface InvariantState {
  /** Accepted sales and restocks the writer does not hold. */
  readonly lost: number
  /** Committed sales beyond one per sale the customer made (or committed by nobody's request). */
  readonly duplicated: number
  /** Committed sales whose payment is still pending. */
  readonly unsettled: number
  readonly mismatches: readonly string[]
  /** Requests that never got a definitive answer, and how many of them the writer holds. */
  readonly inDoubt: { readonly total: number; readonly committed: number }
}

export interface Verdict extends InvariantState {
  /** performance.now() when every invariant first held, or null if they did not within the timeout. */
  readonly convergedAt: number | null
  readonly paymentsCapturedOnce: boolean
  readonly oversold: Array<{ storeId: string; sku: string; onHand: number }>
}

const holds = (s: InvariantState) => s.lost === 0 && s.unsettled === 0 && s.mismatches.length === 0

async function checkOnce(db: mysql.Connection, endpoints: Endpoints, load: PosLoad, baseline: ReadonlyMap<string, number>): Promise<InvariantState> {
  const deltaIds = load.restocks.map((r) => r.deltaId)
  const doubtedDeltaIds = load.inDoubt.flatMap((d) => (d.kind === 'restock' ? [d.deltaId] : []))
  const [saleRows] = (await db.query(
    'SELECT s.id, s.idempotency_key AS k, p.status AS payment FROM sales s JOIN payments p ON p.sale_id = s.id WHERE s.idempotency_key LIKE ?',
    [`${load.keyPrefix}%`],
  )) as [Array<{ id: string; k: string; payment: string }>, unknown]
  const [deltaRows] = (await db.query('SELECT delta_id FROM inventory_deltas WHERE delta_id IN (?)', [[...deltaIds, ...doubtedDeltaIds, '-']])) as [
    Array<{ delta_id: string }>,
    unknown,
  ]
  // A request in doubt is neither lost nor doubled: the stock must show it exactly when the writer has it.
  const committedKeys = new Set(saleRows.map((r) => r.k))
  const committedDeltas = new Set(deltaRows.map((r) => r.delta_id))
  const expected = expectedStock(baseline, load)
  let doubtedCommitted = 0
  for (const d of load.inDoubt) {
    const committed = d.kind === 'sale' ? committedKeys.has(d.key) : committedDeltas.has(d.deltaId)
    if (!committed) continue
    doubtedCommitted++
    const effects = d.kind === 'sale' ? d.lines.map((l) => ({ sku: l.sku, quantity: -l.quantity })) : [{ sku: d.sku, quantity: d.quantity }]
    for (const e of effects) expected.set(`${d.storeId}/${e.sku}`, (expected.get(`${d.storeId}/${e.sku}`) ?? 0) + e.quantity)
  }
  // Duplicates are counted per sale the customer made, not per key (the unique index makes a
  // key's second row impossible): committed sales beyond one per intent, plus any committed
  // sale of this run that no sale sent accounts for.
  const perIntent = new Map<number, number>()
  let unaccounted = 0
  for (const r of saleRows) {
    const intent = load.sentKeys.get(r.k)
    if (intent === undefined) unaccounted++
    else perIntent.set(intent, (perIntent.get(intent) ?? 0) + 1)
  }
  const ids = new Set(saleRows.map((r) => r.id))
  const lost = load.accepted.filter((a) => !ids.has(a.saleId)).length + deltaIds.filter((id) => !committedDeltas.has(id)).length
  const duplicated = unaccounted + [...perIntent.values()].reduce((d, n) => d + (n - 1), 0)
  const unsettled = saleRows.filter((r) => r.payment === 'pending').length
  const mismatches: string[] = []
  for (const [k, want] of expected) {
    const [storeId, sku] = k.split('/') as [string, string]
    const s = load.stores.find((x) => x.storeId === storeId)!
    for (const region of REGION_IDS) {
      const r = await readStock(endpoints, region, s, sku).catch(() => ({ status: 0, stock: undefined }))
      if (r.status !== 200 || !r.stock) mismatches.push(`${k} in ${region}: HTTP ${r.status || 'no answer'}`)
      else if (r.stock.onHand !== want || r.stock.pendingLocal !== 0) mismatches.push(`${k} in ${region}: ${r.stock.onHand} (pending ${r.stock.pendingLocal}), expected ${want}`)
    }
  }
  return { lost, duplicated, unsettled, mismatches, inDoubt: { total: load.inDoubt.length, committed: doubtedCommitted } }
}

/** Polls until every invariant holds or `timeoutMs` passes, then checks the gateway's ledger. */
export async function awaitInvariants(endpoints: Endpoints, load: PosLoad, baseline: ReadonlyMap<string, number>, timeoutMs: number): Promise<Verdict> {
  const db = await mysql.createConnection({ uri: databaseUrls(endpoints.writer, endpoints.writer).migrate })
  try {
    let state = await checkOnce(db, endpoints, load, baseline)
    const deadline = performance.now() + timeoutMs
    while (!holds(state) && performance.now() < deadline) {
      await sleep(500)
      state = await checkOnce(db, endpoints, load, baseline)
    }
    const convergedAt = holds(state) ? performance.now() : null

    // Exactly one charge per card payment in the gateway's own ledger.
    let capturedOnce = true
    const gateway = gatewayClient(endpoints.paymentGateway)
    for (const a of load.accepted.filter((x) => x.method === 'card')) {
      const { data, response } = await gateway.GET('/v1/charges', { params: { query: { paymentId: a.paymentId } } })
      if (!data) throw new Error(`the gateway's ledger answered HTTP ${response.status} for payment ${a.paymentId}`)
      if (data.charges.length !== 1) capturedOnce = false
    }
    const oversold: Verdict['oversold'] = []
    for (const m of endpoints.inventoryManagers) {
      const { data, response } = await drillInventory(endpoints, endpoints.writer, m.apiKey).GET('/v1/inventory/oversold')
      if (!data) throw new Error(`the oversold list of ${m.merchantId} answered HTTP ${response.status}`)
      oversold.push(...data.items)
    }
    return { ...state, mismatches: state.mismatches.slice(0, 10), convergedAt, paymentsCapturedOnce: capturedOnce, oversold }
  } finally {
    await db.end()
  }
}
