import { Type } from '@sinclair/typebox'
import type { RegionId, RegionRole } from '@pos-fleet/topology'
import type { App } from './http.js'

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

/** `/healthz` says the process is alive; `/readyz` whether it should receive traffic. */
export function registerHealthRoutes(app: App, options: HealthOptions): void {
  app.get('/healthz', { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }))

  app.get('/readyz', { schema: { response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
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
