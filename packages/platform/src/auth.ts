import { eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import type { Db } from './db/client.js'
import { managerKeys } from './db/schema/manager-keys.js'
import { terminals } from './db/schema/terminals.js'
import { sha256Hex } from './hashing.js'
import { Problem } from './problem.js'
import { type StaleIfError, createStaleIfError } from './stale-if-error.js'

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

/** Finds the principal whose API key hashes to `hash`, or null. */
export type PrincipalLookup = (hash: string) => Promise<Principal | null>

export interface ApiKeyCacheOptions {
  /**
   * A revoked key stops working within this long — while the local replica answers. While it
   * does not, a key it resolved within REFERENCE_MAX_STALE_MS keeps working from memory (see
   * `staleIfError`): the region keeps selling, and a revocation made meanwhile (which could
   * not reach a dead replica anyway) takes effect once the replica answers again.
   */
  ttlMs?: number
  /** Keys that resolved to a principal. */
  knownMax?: number
  /** Keys that resolved to nothing; kept apart so they can never evict a known key. */
  unknownMax?: number
  /** The process's stale-if-error policy; by default known keys are never served stale. */
  staleIfError?: StaleIfError
}

/** Terminal and manager keys on the local replica, by SHA-256 of the key. */
export function principalLookup(read: Db): PrincipalLookup {
  return async (hash) => {
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
}

const unauthorized = (detail: string) => new Problem('unauthorized', detail, {}, { 'www-authenticate': 'Bearer' })

/**
 * Resolves `Authorization: Bearer <key>`. Known keys are cached so the hot path is free
 * of a query per request. Unknown keys get their own, smaller LRU: a flood of random keys
 * only churns that one (and each costs at most one lookup per TTL), while the terminals'
 * keys stay cached. A key never resolved here is refused while the replica is down (503,
 * retry later): it is never taken on trust.
 */
export function createApiKeyAuthenticator(lookup: PrincipalLookup, o: ApiKeyCacheOptions = {}) {
  const ttl = o.ttlMs ?? 10_000
  const known = (o.staleIfError ?? createStaleIfError({ maxStaleMs: 0 })).cache<Principal>('API keys', { freshMs: ttl, max: o.knownMax ?? 10_000 })
  const unknown = new LRUCache<string, true>({ max: o.unknownMax ?? 1_000, ttl })
  const resolve = async (hash: string) => (await lookup(hash)) ?? undefined

  const lookUp = async (hash: string): Promise<Principal> => {
    if (!unknown.has(hash)) {
      const principal = await known.get(hash, resolve)
      if (principal) return principal
      unknown.set(hash, true)
    }
    throw unauthorized('unknown API key')
  }

  /** A key cached fresh resolves synchronously: no promise on the path every request takes. */
  return function authenticate(request: FastifyRequest): Principal | Promise<Principal> {
    const header = request.headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    if (!match?.[1]) throw unauthorized('send Authorization: Bearer <api key>')
    const hash = sha256Hex(match[1])
    return known.fresh(hash) ?? lookUp(hash)
  }
}

/** Throws (or rejects with) a 401 Problem for a missing or unknown key. */
export type Authenticator = (request: FastifyRequest) => Principal | Promise<Principal>

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by apiKeyAuth for requests in its scope; null elsewhere. */
    principal: Principal | null
  }
}

/**
 * Authenticates every request of the scope it is registered in, in onRequest — before
 * the body is parsed or validated — so an unauthenticated caller learns nothing but 401.
 * fastify-plugin lets the hook apply to the enclosing scope (the encapsulated /v1 one),
 * so routes outside it (health, metrics) stay open.
 */
export const apiKeyAuth = fp<{ authenticate: Authenticator }>(
  async (scope, { authenticate }) => {
    scope.decorateRequest('principal', null)
    scope.addHook('onRequest', (request, _reply, done) => {
      let principal: Principal | Promise<Principal>
      try {
        principal = authenticate(request)
      } catch (err) {
        return done(err as Error)
      }
      if (!(principal instanceof Promise)) {
        request.principal = principal
        return done()
      }
      principal.then((p) => {
        request.principal = p
        done()
      }, done)
    })
  },
  { name: 'pos-api-key-auth', fastify: '5.x' },
)

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Problem('unauthorized')
  return request.principal
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
