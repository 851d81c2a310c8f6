import type { RegionId } from '@pos-fleet/topology'
import { type HttpResult, type Till, answered, api, eventually, fleet, writerQuery } from './fleet.js'
import type { Tenant } from './tenants.js'

/** GET /v1/sales/:id from the till's region, optionally with a session token. */
export function getSale(till: Till, saleId: string, sessionToken?: string): Promise<HttpResult> {
  return answered(() =>
    api.storefront(till.region, till.apiKey).GET('/v1/sales/{saleId}', { params: { path: { saleId }, header: sessionToken ? { 'x-session-token': sessionToken } : {} } }),
  )
}

/** GET /v1/catalog/items as the till. */
export function listCatalog(till: Till): Promise<HttpResult> {
  return answered(() => api.storefront(till.region, till.apiKey).GET('/v1/catalog/items'))
}

/** GET /v1/inventory/oversold in `region` with `apiKey` (the tenant's manager key, or another to be refused). */
export function listOversold(region: RegionId, apiKey: string): Promise<HttpResult> {
  return answered(() => api.inventory(region, apiKey).GET('/v1/inventory/oversold'))
}

/** Waits until the sale is committed and its payment has left `pending`; returns the sale. */
export async function waitSettled(till: Till, saleId: string, timeoutMs = 30_000): Promise<any> {
  return eventually(async () => {
    const r = await getSale(till, saleId)
    return r.body?.status === 'committed' && r.body.payment?.status !== 'pending' ? r.body : undefined
  }, timeoutMs, `sale ${saleId} committed and settled`)
}

/** GET /v1/inventory/:storeId/:sku in `region` for the tenant's store there (or `storeId`). */
export async function readStock(tenant: Tenant, region: RegionId, sku: string, o: { sessionToken?: string; storeId?: string } = {}) {
  const storeId = o.storeId ?? tenant.till(region).storeId
  const r = await answered(() =>
    api.inventory(region, tenant.managerKey).GET('/v1/inventory/{storeId}/{sku}', {
      params: { path: { storeId, sku }, header: o.sessionToken ? { 'x-session-token': o.sessionToken } : {} },
    }),
  )
  if (r.status !== 200) throw new Error(`stock read answered ${r.status}: ${JSON.stringify(r.body)}`)
  return r.body as { onHand: number; pendingLocal: number; readFrom: string; replicationLagMs: number | null }
}

/** POST /v1/inventory/deltas in `region`, as the tenant's inventory manager unless `apiKey` says otherwise. */
export function postDelta(tenant: Tenant, region: RegionId, delta: { deltaId: string; sku: string; quantity: number; reason: string; storeId?: string }, apiKey = tenant.managerKey) {
  return answered(() => api.inventory(region, apiKey).POST('/v1/inventory/deltas', { body: { storeId: tenant.till(region).storeId, ...delta } as never }))
}

/** Waits until every region reports `expected` on hand, nothing pending, for the store and SKU. */
export async function waitStockEverywhere(tenant: Tenant, storeRegion: RegionId, sku: string, expected: number, timeoutMs = 30_000) {
  const storeId = tenant.till(storeRegion).storeId
  return eventually(async () => {
    const all = await Promise.all(Object.keys(fleet.regions).map((r) => readStock(tenant, r as RegionId, sku, { storeId })))
    return all.every((s) => s.onHand === expected && s.pendingLocal === 0) ? all : undefined
  }, timeoutMs, `${sku} at ${expected} in every region`)
}

export interface TenantRows {
  sales: number
  saleLines: number
  payments: number
  outbox: number
  deltas: number
}

/** The tenant's rows in every table a sale writes, counted on the writer. */
export async function tenantRows(tenant: Tenant): Promise<TenantRows> {
  const [row] = await writerQuery(
    `SELECT
       (SELECT COUNT(*) FROM sales WHERE merchant_id = ?) AS sales,
       (SELECT COUNT(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.merchant_id = ?) AS saleLines,
       (SELECT COUNT(*) FROM payments WHERE merchant_id = ?) AS payments,
       (SELECT COUNT(*) FROM outbox WHERE JSON_VALUE(payload, '$.merchantId') = ?) AS outbox,
       (SELECT COUNT(*) FROM inventory_deltas WHERE merchant_id = ?) AS deltas`,
    Array(5).fill(tenant.merchantId),
  )
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as TenantRows
}

/** Charges and capture attempts the gateway at `gatewayUrl` holds for a payment. */
export async function gatewayCharges(paymentId: string, gatewayUrl = fleet.paymentGateway): Promise<{ charges: any[]; attempts: number }> {
  const r = await answered(() => api.gateway(gatewayUrl).GET('/v1/charges', { params: { query: { paymentId } } }))
  return { charges: r.body.charges, attempts: r.body.attempts ?? 0 }
}

/**
 * Duplicates and losses measured per client-chosen id: `accepted` maps each Idempotency-Key
 * the tenant's tills got a 201/202 for to the sale id in that answer. The tenant's sales on
 * the writer must be exactly those — one row per accepted key, under the accepted sale id,
 * committed, and no sale the client was never told about (a replay under a new key or id).
 */
export async function expectSalesExactly(tenant: Tenant, accepted: ReadonlyMap<string, string>, timeoutMs = 30_000): Promise<void> {
  const rows = await eventually(async () => {
    const r = await writerQuery<{ id: string; k: string; status: string }>('SELECT id, idempotency_key AS k, status FROM sales WHERE merchant_id = ?', [tenant.merchantId])
    return r.length >= accepted.size ? r : undefined
  }, timeoutMs, `${accepted.size} accepted sales on the writer`)
  const byKey = new Map<string, string[]>()
  for (const r of rows) byKey.set(r.k, [...(byKey.get(r.k) ?? []), r.id])
  const unexpected = rows.filter((r) => !accepted.has(r.k)).map((r) => r.k)
  const wrong = [...accepted].filter(([k, id]) => byKey.get(k)?.length !== 1 || byKey.get(k)![0] !== id)
  if (unexpected.length || wrong.length || rows.some((r) => r.status !== 'committed')) {
    throw new Error(`sales differ from what was accepted: ${JSON.stringify({ accepted: accepted.size, rows: rows.length, unexpected, wrong: wrong.map(([k]) => ({ key: k, rows: byKey.get(k) ?? [] })) })}`)
  }
}
