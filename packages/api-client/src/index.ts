import createClient, { type Client } from 'openapi-fetch'
import type { components as InventoryComponents, paths as InventoryPaths } from './generated/inventory-delta.js'
import type { components as GatewayComponents, paths as GatewayPaths } from './generated/payment-gateway-sandbox.js'
import type { components as StorefrontComponents, paths as StorefrontPaths } from './generated/storefront.js'

/**
 * The fleet's one HTTP client, typed by the services' OpenAPI documents (openapi-fetch over
 * the types openapi-typescript generated into ./generated). Every caller — the load test, the
 * drills, the integration tests — uses it, so a change to a route's schema that breaks a
 * caller fails the build, not a run.
 */

export type StorefrontClient = Client<StorefrontPaths>
export type InventoryClient = Client<InventoryPaths>
export type GatewayClient = Client<GatewayPaths>
export type Problem = StorefrontComponents['schemas']['Problem']
export type { InventoryComponents, GatewayComponents, StorefrontPaths, InventoryPaths, GatewayPaths }

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` on every request. */
  apiKey?: string
  /** A request with no answer (headers and body) within this long fails with a TimeoutError. */
  timeoutMs?: number
  /** Extra fetch options for Node's fetch, e.g. `{ dispatcher }`: an undici pool of connections. */
  requestInitExt?: Record<string, unknown>
}

type Fetch = (input: Request, init?: RequestInit) => Promise<Response>

/** fetch with the client's timeout over the request's own signal; the body is read inside it too. */
function timedFetch(timeoutMs: number): Fetch {
  return (request, init) => fetch(request, { ...init, signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) })
}

function clientOptions(baseUrl: string, o: ClientOptions) {
  return {
    baseUrl,
    ...(o.apiKey ? { headers: { authorization: `Bearer ${o.apiKey}` } } : {}),
    ...(o.timeoutMs ? { fetch: timedFetch(o.timeoutMs) } : {}),
    ...(o.requestInitExt ? { requestInitExt: o.requestInitExt } : {}),
  }
}

export function storefrontClient(baseUrl: string, o: ClientOptions = {}): StorefrontClient {
  return createClient<StorefrontPaths>(clientOptions(baseUrl, o))
}

export function inventoryClient(baseUrl: string, o: ClientOptions = {}): InventoryClient {
  return createClient<InventoryPaths>(clientOptions(baseUrl, o))
}

export function gatewayClient(baseUrl: string, o: ClientOptions = {}): GatewayClient {
  return createClient<GatewayPaths>(clientOptions(baseUrl, o))
}
