import { type Attributes, type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { LATENCY_BUCKETS_S, meter } from './metrics.js'

/** Probes and scrapes: several a second per process, they would drown the real traces and skew the histogram. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics'])

const tracer = trace.getTracer('@pos-fleet/platform/request-tracing')
const duration = meter.createHistogram('http.server.request.duration', {
  description: 'Duration of HTTP server requests.',
  unit: 's',
  advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S },
})

/** What every request of one route and method shares, made once: span name, span and metric attributes. */
interface RouteTelemetry {
  readonly spanName: string
  readonly spanAttributes: Attributes
  /** The duration histogram's attribute set for each status answered, handed to the SDK as the same object each time. */
  readonly byStatus: Map<number, Attributes>
}

interface Traced {
  readonly span: Span
  readonly context: Context
  readonly of: RouteTelemetry
}

const traced = new WeakMap<FastifyRequest, Traced>()

/** Bounded: fastify's routes times the HTTP methods Node's parser accepts. */
const routes = new Map<string, RouteTelemetry>()
function routeTelemetry(method: string, route: string | undefined): RouteTelemetry {
  const spanName = route ? `${method} ${route}` : method
  let of = routes.get(spanName)
  if (!of) {
    const spanAttributes = { 'http.request.method': method, ...(route ? { 'http.route': route } : {}) }
    of = { spanName, spanAttributes, byStatus: new Map() }
    routes.set(spanName, of)
  }
  return of
}
function durationAttributes(of: RouteTelemetry, status: number): Attributes {
  let attributes = of.byStatus.get(status)
  if (!attributes) {
    attributes = { ...of.spanAttributes, 'http.response.status_code': status }
    of.byStatus.set(status, attributes)
  }
  return attributes
}

/**
 * The server side of HTTP tracing, in the fastify app itself: the caller's W3C trace context
 * is extracted, a SERVER span opened (non-recording unless sampled, see telemetry.ts), and the
 * request's hooks and handler run in that context, so logs carry its ids and Kafka headers and
 * outbox rows propagate it. Also records the semantic-convention `http.server.request.duration`
 * with `http.route`. It replaces the OpenTelemetry HTTP instrumentation, which spent about a
 * quarter of a catalog read's CPU on attributes computed whether sampled or not, on binding
 * every request and response emitter to the context, and on a second request listener (issue 17).
 *
 * The context is entered twice, with callback hooks (no extra promise): in onRequest, for the
 * API-key hook, and again in preHandler, because the body is parsed in the socket's event
 * callbacks, outside any request context.
 */
export function requestTracing(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (UNTRACED.has(request.url)) return done()
    // routeOptions is a getter that builds a new object each time: read once per request.
    const of = routeTelemetry(request.method, request.routeOptions.url)
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const span = tracer.startSpan(of.spanName, { kind: SpanKind.SERVER, attributes: of.spanAttributes }, parent)
    if (span.isRecording()) {
      span.setAttributes({
        'url.path': request.url.split('?', 1)[0]!,
        'url.scheme': request.protocol,
        'network.peer.address': request.ip,
        'user_agent.original': request.headers['user-agent'] ?? '',
      })
    }
    const active = trace.setSpan(parent, span)
    traced.set(request, { span, context: active, of })
    context.with(active, done)
  })

  app.addHook('preHandler', (request, _reply, done) => {
    const t = traced.get(request)
    if (!t) return done()
    context.with(t.context, done)
  })

  app.addHook('onResponse', (request, reply, done) => {
    const t = traced.get(request)
    if (!t) return done()
    const status = reply.statusCode
    t.span.setAttribute('http.response.status_code', status)
    if (status >= 500) t.span.setStatus({ code: SpanStatusCode.ERROR })
    t.span.end()
    duration.record(reply.elapsedTime / 1000, durationAttributes(t.of, status))
    done()
  })
}
