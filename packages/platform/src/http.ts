import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify'
import { Problem, type ProblemCode, ProblemSchema } from './problem.js'
import { isWritePathUnavailable, writePathUnavailable } from './db/errors.js'
import { createMethodTable } from './allowed-methods.js'
import { type OpenApiInfo, declareResponses, openApi, platformResponses } from './openapi.js'
import { requestTracing } from './request-tracing.js'

export interface HttpAppOptions {
  logger: FastifyServerOptions['logger']
  /** Largest accepted request body in bytes. */
  bodyLimit?: number
  /** The service's OpenAPI document, served at GET /openapi.json. */
  openApi: OpenApiInfo & { securitySchemes?: boolean }
}

const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation-failed',
  // A body method (e.g. QUERY) sent without a Content-Type.
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: 'unsupported-media-type',
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods the app routes at a path, for 405 and `Allow`. */
    allowedMethods(path: string): string[]
  }
}

const pathOf = (url: string) => url.split('?', 1)[0]!

/** 405 with `Allow` when the path is routed for other methods; null when no route has the path. */
function methodNotAllowed(request: FastifyRequest): Problem | null {
  const allow = request.server.allowedMethods(pathOf(request.url))
  if (allow.length === 0) return null
  return new Problem('method-not-allowed', `${request.method} ${pathOf(request.url)}: use ${allow.join(', ')}`, {}, { allow: allow.join(', ') })
}

function toProblem(err: FastifyError): Problem {
  if (err instanceof Problem) return err
  if (err.validation) {
    if (err.validationContext === 'headers' && err.validation.some((v) => v.params?.missingProperty === 'idempotency-key')) {
      return new Problem('idempotency-key-missing', 'send an Idempotency-Key header, unique per sale attempt')
    }
    const errors = err.validation.map((v) => ({ in: err.validationContext, path: v.instancePath, message: v.message }))
    return new Problem('validation-failed', err.message, { errors })
  }
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined
  if (mapped) return new Problem(mapped, err.message)
  if (err instanceof SyntaxError && err.statusCode === 400) return new Problem('malformed-json', err.message)
  if (isWritePathUnavailable(err)) return writePathUnavailable(err)
  return new Problem('internal')
}

/** 404 problem+json for a path no route serves; 405 with `Allow` for a path routed for other methods. */
export function notFound(request: FastifyRequest, reply: FastifyReply): void {
  const problem = methodNotAllowed(request) ?? new Problem('not-found', `no route ${request.method} ${request.url}`)
  void reply.code(problem.status).headers(problem.headers).type('application/problem+json').send(problem.toJSON(request.url))
}

/**
 * A fastify instance with the fleet's one error policy: every error leaves as
 * application/problem+json with a stable `type`; 5xx causes are logged, never sent.
 */
export function createHttpApp(options: HttpAppOptions) {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Shutdown answers new requests 503 (the hook below, as problem+json) while in-flight ones finish.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Two synchronous log lines per request are a measurable share of a 2-core box at
    // hundreds of req/s: access lines go to debug (below), rejections and errors stay at info+.
    logController: new LogController({ disableRequestLogging: true }),
    // No pino child per request just to bind a reqId (about 5 % of a catalog read's CPU, issue 17):
    // a request's lines are tied together by the trace_id and span_id the pino instrumentation
    // adds from the request's span, which exists unsampled too. A route with its own log level
    // or serializers still gets its child.
    childLoggerFactory: (logger, bindings, opts) => (opts.level === undefined && opts.serializers === undefined ? logger : logger.child(bindings, opts)),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  const methods = createMethodTable()
  app.decorate('allowedMethods', (path: string) => methods.allowed(path))
  app.addHook('onRoute', (route) => methods.add(route.url, route.method))
  app.addSchema(ProblemSchema)
  // Before @fastify/swagger's own onRoute hook: the document shows what the platform answers too.
  app.addHook('onRoute', (route) => declareResponses(route, platformResponses(route)))
  void app.register(openApi, options.openApi)

  // First of the onRequest hooks: every answer, a shutdown's 503 or a 401 too, is traced and timed.
  requestTracing(app)

  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  // Callback hooks on the hot path: an async one costs every request a promise and its ticks.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done()
    reply.header('connection', 'close')
    done(new Problem('temporarily-unavailable', 'the service is shutting down; retry on another instance', {}, { 'retry-after': '1' }))
  })

  // JSON only: fastify would otherwise parse text/plain bodies and fail them on the schema.
  app.removeContentTypeParser('text/plain')

  app.setErrorHandler((err: FastifyError, request, reply) => {
    // A request for no route whose body failed to parse before the not-found handler ran: 405 still
    // says what the path answers. A Problem (401 from the key hook) stands: auth comes first.
    const problem = (request.is404 && !(err instanceof Problem) && methodNotAllowed(request)) || toProblem(err)
    if (problem.status >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ problem: problem.code, detail: problem.detail }, 'request rejected')
    void reply
      .code(problem.status)
      .headers(problem.headers)
      .type('application/problem+json')
      .send(problem.toJSON(request.url))
  })

  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request completed')
    done()
  })

  app.setNotFoundHandler(notFound)

  return app
}

export type App = ReturnType<typeof createHttpApp>
