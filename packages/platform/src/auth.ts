import { eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import type { Db } from './db/client.js'
import { managerKeys } from './db/schema/manager-keys.js'
import { terminals } from './db/schema/terminals.js'
import { sha256Hex } from './hashing.js'
import type { App } from './http.js'
import { Problem } from './problem.js'

export interface TerminalPrincipal {
  kind: 'terminal'
  id: string
  merchantId: string
  storeId: string
}

export interface ManagerPrincipal {
  kind: 'manager'
  id: string
  merchantId: string
}

export type Principal = TerminalPrincipal | ManagerPrincipal

const CACHE_TTL_MS = 10_000

/**
 * Resolves `Authorization: Bearer <key>` against the hashed keys on the local
 * replica. A short cache keeps the hot path free of a query per request; a revoked
 * key stops working within CACHE_TTL_MS.
 */
export function createApiKeyAuthenticator(read: Db) {
  const cache = new Map<string, { principal: Principal | null; expires: number }>()

  async function lookup(hash: string): Promise<Principal | null> {
    const [terminal] = await read
      .select({ id: terminals.id, merchantId: terminals.merchantId, storeId: terminals.storeId })
      .from(terminals)
      .where(eq(terminals.apiKeyHash, hash))
      .limit(1)
    if (terminal) return { kind: 'terminal', ...terminal }
    const [manager] = await read
      .select({ id: managerKeys.id, merchantId: managerKeys.merchantId })
      .from(managerKeys)
      .where(eq(managerKeys.apiKeyHash, hash))
      .limit(1)
    return manager ? { kind: 'manager', ...manager } : null
  }

  return async function authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    if (!match?.[1]) throw new Problem('unauthorized', 'send Authorization: Bearer <api key>', {}, { 'www-authenticate': 'Bearer' })
    const hash = sha256Hex(match[1])
    const now = Date.now()
    let entry = cache.get(hash)
    if (!entry || entry.expires < now) {
      entry = { principal: await lookup(hash), expires: now + CACHE_TTL_MS }
      if (cache.size > 10_000) cache.clear()
      cache.set(hash, entry)
    }
    if (!entry.principal) throw new Problem('unauthorized', 'unknown API key', {}, { 'www-authenticate': 'Bearer' })
    return entry.principal
  }
}

export type Authenticator = ReturnType<typeof createApiKeyAuthenticator>

const principals = new WeakMap<FastifyRequest, Principal>()

/**
 * Authenticates every /v1 request in onRequest — before the body is parsed or
 * validated — so an unauthenticated caller learns nothing but 401.
 */
export function authenticateApiRoutes(app: { addHook: App['addHook'] }, authenticate: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return
    principals.set(request, await authenticate(request))
  })
}

export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request)
  if (!principal) throw new Problem('unauthorized')
  return principal
}

export function terminalOf(request: FastifyRequest): TerminalPrincipal {
  const principal = principalOf(request)
  if (principal.kind !== 'terminal') throw new Problem('forbidden', 'this call needs a terminal API key')
  return principal
}

export function managerOf(request: FastifyRequest): ManagerPrincipal {
  const principal = principalOf(request)
  if (principal.kind !== 'manager') throw new Problem('forbidden', 'this call needs an inventory manager API key')
  return principal
}
