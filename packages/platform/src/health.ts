import { Type } from '@sinclair/typebox'
import type { RegionId, RegionRole } from '@pos-fleet/topology'
import type { App } from './http.js'
import { problemResponse } from './openapi.js'

export interface Check {
  ok: boolean
  detail?: string
  /** A failing non-critical check is reported but keeps the service ready. */
  critical?: boolean
  /** Counts behind the check (a store-and-forward view's entries), for operators and tests. */
  stats?: Record<string, number>
}

export interface HealthOptions {
  region: RegionId
  /** Asked at every /readyz: the role is the running fleet's state, not a launch-time constant. */
  role: () => Promise<RegionRole | 'unknown'>
  checks: () => Promise<Record<string, Check>>
  replicationLagMs: () => number | null
}

const CheckSchema = Type.Object({
  ok: Type.Boolean(),
  detail: Type.Optional(Type.String()),
  critical: Type.Optional(Type.Boolean()),
  stats: Type.Optional(Type.Record(Type.String(), Type.Number())),
})
const Readiness = Type.Object({
  region: Type.String(),
  role: Type.String(),
  ready: Type.Boolean(),
  checks: Type.Record(Type.String(), CheckSchema),
  replicationLagMs: Type.Union([Type.Number(), Type.Null()]),
})

export const Liveness = Type.Object({ status: Type.Literal('ok') }, { description: 'The process is alive' })

/** 503 from the check itself (not ready), or from the platform while the process shuts down. */
const notReady = {
  description: 'Not ready: a critical check fails (or the process is shutting down: problem+json)',
  content: {
    'application/json': { schema: Readiness },
    ...problemResponse('').content,
  },
}

/**
 * `/healthz` says the process is alive; `/readyz` whether it should receive traffic.
 * Registered as a plugin, so they come after @fastify/swagger and are in the document.
 */
export function registerHealthRoutes(app: App, options: HealthOptions): void {
  void app.register(async (scope) => healthRoutes(scope as unknown as App, options))
}

function healthRoutes(app: App, options: HealthOptions): void {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Liveness } } }, async () => ({
    status: 'ok' as const,
  }))

  app.get('/readyz', { schema: { summary: 'Readiness', tags: ['operations'], response: { 200: { ...Readiness, description: 'Ready for traffic' }, 503: notReady } } }, async (_request, reply) => {
    const [checks, role] = await Promise.all([options.checks(), options.role()])
    const ready = Object.values(checks).every((c) => c.ok || c.critical === false)
    return reply.code(ready ? 200 : 503).send({
      region: options.region,
      role,
      ready,
      checks,
      replicationLagMs: options.replicationLagMs(),
    })
  })
}
