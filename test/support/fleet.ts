import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { type Endpoints, endpointsFile, readEndpoints } from '../../packages/fleet/src/endpoints.js'
import { databaseUrls } from '../../packages/fleet/src/infra/mariadb.js'
import { type RegionId, catalogItem } from '@pos-fleet/topology'

export const fleet: Endpoints = readEndpoints(endpointsFile)

export const MERCHANT_A = 'mer_harbour'
export const MERCHANT_B = 'mer_linden'

export function terminal(region: RegionId, merchantId = MERCHANT_A) {
  const t = fleet.terminals.find((x) => x.region === region && x.merchantId === merchantId)
  if (!t) throw new Error(`no demo terminal for ${merchantId} in ${region}`)
  return t
}

export function manager(merchantId = MERCHANT_A) {
  const m = fleet.inventoryManagers.find((x) => x.merchantId === merchantId)
  if (!m) throw new Error(`no inventory manager for ${merchantId}`)
  return m
}

export interface HttpResult<T = any> {
  status: number
  headers: Headers
  body: T
  ms: number
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

/** A valid cash sale body for the merchant's store in `region` (Harbour Coffee: ESP-DBL at the spec's price × qty). */
export function cashSale(region: RegionId, quantity = 1, merchantId = MERCHANT_A) {
  const t = terminal(region, merchantId)
  const { sku, priceMinor } = catalogItem(merchantId, merchantId === MERCHANT_A ? 'ESP-DBL' : 'BK-NOVEL')
  return { storeId: t.storeId, lines: [{ sku, quantity }], payment: { method: 'cash', amountMinor: priceMinor * quantity } }
}

export function cardSale(region: RegionId, token: string, quantity = 1) {
  const body = cashSale(region, quantity)
  return { ...body, payment: { method: 'card', token, amountMinor: body.payment.amountMinor } }
}

/** `key: null` sends no Idempotency-Key. */
export async function postSale(region: RegionId, body: unknown, key: string | null = randomUUID(), apiKey = terminal(region).apiKey) {
  return call(`${storefront(region)}/v1/sales`, { apiKey, body, headers: key ? { 'idempotency-key': key } : {} })
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      last = err
    }
    await sleep(100)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
}

/** Direct SQL on the writer (as the migrator) for assertions on what was, or was not, written. */
export async function writerQuery<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await mysql.createConnection({ uri: databaseUrls(fleet.writer, fleet.writer).migrate })
  try {
    const [rows] = await conn.query(sql, params)
    return rows as T[]
  } finally {
    await conn.end()
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
