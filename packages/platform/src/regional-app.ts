import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Static, TObject } from '@sinclair/typebox'
import type { FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type Authenticator, apiKeyAuth } from './auth.js'
import type { BaseEnv, DatabaseEnv, KafkaEnv } from './config.js'
import type { Database } from './db/client.js'
import type { LagState } from './db/replication-lag.js'
import type { WritePathBreaker } from './db/write-path.js'
import type { Check } from './health.js'
import type { ReferenceData } from './reference-data.js'
import type { StaleIfError } from './stale-if-error.js'
import { type App, createHttpApp, notFound } from './http.js'
import { loggerOptions } from './logger.js'
import { type OpenApiInfo, declareResponses, problemResponse } from './openapi.js'
import { regionalOps } from './standard-routes.js'

export type RegionalEnv = Static<TObject<typeof BaseEnv & typeof DatabaseEnv & typeof KafkaEnv>>

/** What every regional (every-region) service is built from; server.ts opens the real ones. */
export interface RegionalContext {
  config: RegionalEnv
  db: Database
  authenticate: Authenticator
  /** Circuit breaker over the global write path; the heartbeat is its probe. */
  writePath: WritePathBreaker
  /** Replication lag of the local replica, from the heartbeat reads. */
  replicationLag: () => LagState
  /** Stores, floor limits and prices a sale or restock needs, served stale while the replica is down. */
  reference: ReferenceData
  /** The replica as the reference caches see it (readiness reports it). */
  staleIfError: StaleIfError
}

export interface RegionalDeps extends RegionalContext {
  logger?: FastifyServerOptions['logger']
}

declare module 'fastify' {
  interface FastifyInstance {
    config: RegionalEnv
    db: Database
    authenticate: Authenticator
    writePath: WritePathBreaker
    replicationLag: () => LagState
    reference: ReferenceData
    staleIfError: StaleIfError
  }
}

/** Decorates the app with the service's connections, for the repositories and routes below it. */
export const regionalContext = fp<RegionalContext>(
  async (app, deps) => {
    app.decorate('config', deps.config)
    app.decorate('db', deps.db)
    app.decorate('authenticate', deps.authenticate)
    app.decorate('writePath', deps.writePath)
    app.decorate('replicationLag', deps.replicationLag)
    app.decorate('reference', deps.reference)
    app.decorate('staleIfError', deps.staleIfError)
  },
  { name: 'pos-regional-context', fastify: '5.x' },
)

/**
 * A regional service's app before its own plugins: the one error policy, its context
 * decorators and /healthz, /readyz, /metrics. The service then registers its repositories
 * and queues (fastify-plugin decorators) and its routes under `apiScope`.
 */
export function createRegionalApp(
  service: string,
  deps: RegionalDeps,
  o: { bodyLimit?: number; openApi: OpenApiInfo; /** The service's own readiness checks (its store-and-forward views). */ checks?: () => Record<string, Check> },
): App {
  const { logger, ...context } = deps
  const app = createHttpApp({
    logger: logger ?? loggerOptions(service, deps.config.POS_REGION, deps.config.LOG_LEVEL),
    ...(o.bodyLimit ? { bodyLimit: o.bodyLimit } : {}),
    openApi: o.openApi,
  })
  void app.register(regionalContext, context)
  void app.register(regionalOps, { checks: o.checks })
  return app
}

const UNAUTHORIZED = problemResponse('No API key, or one the fleet does not know', {
  headers: { 'www-authenticate': { type: 'string', const: 'Bearer' } },
})

/**
 * The /v1 scope: an encapsulated plugin (register it with `{ prefix: '/v1' }`), so its
 * API-key hook covers its routes and nothing outside them. Its own 404 runs behind the
 * same hook: an unauthenticated caller cannot probe which /v1 paths exist.
 */
export function apiScope(...routes: FastifyPluginAsyncTypebox[]): FastifyPluginAsyncTypebox {
  return async (v1) => {
    // The key hook answers 401 before any handler runs: every route of the scope can.
    v1.addHook('onRoute', (route) => declareResponses(route, { 401: UNAUTHORIZED }))
    await v1.register(apiKeyAuth, { authenticate: v1.authenticate })
    v1.setNotFoundHandler(notFound)
    for (const r of routes) await v1.register(r)
  }
}
