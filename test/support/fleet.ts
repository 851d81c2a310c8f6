import mysql from 'mysql2/promise'
import type { RowDataPacket } from 'mysql2/promise'
import { gatewayClient, inventoryClient, storefrontClient } from '@pos-fleet/api-client/index'
import { type Endpoints, endpointsFile, readEndpoints } from '../../packages/fleet/src/endpoints.js'
import type { RegionId } from '@pos-fleet/topology'

/** The fleet the global setup started (or POS_FLEET_REUSE's): endpoints only, no demo state relied on. */
export const fleet: Endpoints = readEndpoints(endpointsFile)

export const regionIds = Object.keys(fleet.regions) as RegionId[]
export const readerRegions = regionIds.filter((r) => r !== fleet.writer)

export interface HttpResult<T = any> {
  status: number
  headers: Headers
  body: T
  ms: number
}

/**
 * The generated client (packages/api-client) for each service of the fleet: every API call a
 * test makes goes through it. `call` below is for what a typed client cannot send — bodies
 * that are not JSON, requests without a key — and for URLs outside the documents.
 */
export const api = {
  storefront: (region: RegionId, apiKey?: string) => storefrontClient(fleet.regions[region].storefront, apiKey ? { apiKey } : {}),
  inventory: (region: RegionId, apiKey?: string) => inventoryClient(fleet.regions[region].inventoryDelta, apiKey ? { apiKey } : {}),
  gateway: (url = fleet.paymentGateway) => gatewayClient(url),
}

/** An openapi-fetch call as `{ status, headers, body, ms }`: the success body, or the problem (or text) otherwise. */
export async function answered<T = any>(request: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<HttpResult<T>> {
  const started = performance.now()
  const r = await request()
  return { status: r.response.status, headers: r.response.headers, body: (r.data ?? r.error) as T, ms: performance.now() - started }
}

export async function call<T = any>(
  url: string,
  init: { method?: string; apiKey?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) }
  if (init.apiKey) headers.authorization = `Bearer ${init.apiKey}`
  let body: string | undefined
  if (init.rawBody !== undefined) body = init.rawBody
  else if (init.body !== undefined) body = JSON.stringify(init.body)
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json'
  const started = performance.now()
  const res = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body })
  const text = await res.text()
  const ms = performance.now() - started
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // Non-JSON bodies (metrics) stay text.
  }
  return { status: res.status, headers: res.headers, body: parsed as T, ms }
}

export function storefront(region: RegionId): string {
  return fleet.regions[region].storefront
}

export function inventory(region: RegionId): string {
  return fleet.regions[region].inventoryDelta
}

export { eventually } from './eventually.js'

/** A connection to one region's own database as the application account (what the services use). */
export async function withDb<T>(region: RegionId, work: (db: mysql.Connection) => Promise<T>, url = fleet.regions[region].db.read): Promise<T> {
  const db = await mysql.createConnection({ uri: url, connectTimeout: 5_000 })
  try {
    return await work(db)
  } finally {
    await db.end().catch(() => db.destroy())
  }
}

/** Direct SQL on the writer's primary, for assertions on what was, or was not, written. */
export async function writerQuery<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withDb(fleet.writer, async (db) => (await db.query(sql, params))[0] as T[])
}

/** The writer's position: every commit so far. */
export async function writerGtid(): Promise<string> {
  return (await writerQuery<RowDataPacket>('SELECT @@GLOBAL.gtid_binlog_pos AS gtid'))[0]!.gtid as string
}

/** Waits (MASTER_GTID_WAIT) until every replica has applied `gtid`. */
export async function waitReplicated(gtid: string, timeoutMs = 15_000, regions: readonly RegionId[] = readerRegions): Promise<void> {
  await Promise.all(
    regions.map(async (region) => {
      const [rows] = await withDb(region, (db) => db.query<RowDataPacket[]>('SELECT MASTER_GTID_WAIT(?, ?) AS r', [gtid, timeoutMs / 1_000]))
      if (rows[0]!.r !== 0) throw new Error(`replica ${region} did not reach ${gtid} within ${timeoutMs} ms`)
    }),
  )
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** A terminal to sell from: its region's storefront and its API key. */
export interface Till {
  region: RegionId
  merchantId: string
  storeId: string
  apiKey: string
}

/** The one sale POST. `key: null` sends no Idempotency-Key; `body` may be invalid on purpose; `headers` go along (a traceparent). */
export async function postSale(till: Till, body: unknown, key: string | null = crypto.randomUUID(), headers: Record<string, string> = {}): Promise<HttpResult> {
  return answered(() =>
    api.storefront(till.region, till.apiKey).POST('/v1/sales', { body: body as never, params: { header: (key ? { 'idempotency-key': key } : {}) as never }, headers }),
  )
}

/** GET /readyz of a region's storefront. */
export async function readiness(region: RegionId): Promise<HttpResult> {
  return answered(() => api.storefront(region).GET('/readyz'))
}
