/**
 * Preloaded with `node --import @pos-fleet/platform/telemetry`, before any application
 * module, so kafkajs and pino (and, when traces are exported, mysql2) are instrumented when
 * first loaded; incoming HTTP requests are traced by the platform's own fastify hooks
 * (request-tracing.ts). Spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * ..._TRACES_ENDPOINT) is set, sampled by OTEL_TRACES_SAMPLER (the SDK's default:
 * parentbased_always_on; the Helm chart sets a parent-based ratio). Otherwise nothing is
 * exported and nothing is recorded, but trace context still propagates (HTTP, Kafka headers)
 * and logs carry ids. Metrics: the one meter provider of ./metrics.js (imported first, so
 * it is the global one when the instrumentations below are constructed).
 *
 * The tracer provider is set up by hand rather than by NodeSDK: NodeSDK loads every exporter
 * it could configure (gRPC, protobuf, Zipkin, logs), about 15 MB of resident memory per
 * process for code that never runs here (issue 17). Exporters load only when configured.
 */
import { createRequire } from 'node:module'
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs'
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino'
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation'
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { meterProvider } from './metrics.js'
import { serviceResource } from './resource.js'

const env = process.env
const exporter = env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : env.OTEL_TRACES_EXPORTER === 'console' ? 'console' : null
// Log records go over OTLP only where a collector takes them (Kubernetes); natively
// `--observe` sets just the traces endpoint, and the lines stay in each process's log file.
const exportLogs = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT)

async function spanProcessor(): Promise<SpanProcessor> {
  if (exporter === 'otlp') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
    return new BatchSpanProcessor(new OTLPTraceExporter())
  }
  if (exporter === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter())
  return new NoopSpanProcessor()
}

// A tracer provider is registered even when nothing is exported: without one, spans
// have no ids, so neither log correlation nor Kafka-header propagation would work. With
// nothing exported, recording spans only to drop them cost a third of a catalog read's CPU
// (issue 17): spans are then non-recording, which still carry ids into logs and headers,
// and a caller's sampled trace stays sampled downstream (its spans here are recorded, then dropped).
const tracerProvider = new NodeTracerProvider({
  resource: serviceResource(),
  spanProcessors: [await spanProcessor()],
  ...(exporter ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
})
// The AsyncLocalStorage context manager and the W3C trace-context and baggage propagators.
tracerProvider.register()

async function loggerProvider() {
  if (!exportLogs) return undefined
  const [{ logs }, { LoggerProvider, BatchLogRecordProcessor }, { OTLPLogExporter }] = await Promise.all([
    import('@opentelemetry/api-logs'),
    import('@opentelemetry/sdk-logs'),
    import('@opentelemetry/exporter-logs-otlp-http'),
  ])
  const provider = new LoggerProvider({ resource: serviceResource(), processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] })
  logs.setGlobalLoggerProvider(provider)
  return provider
}
const logProvider = await loggerProvider()

// kafkajs carries the context across processes and pino puts it on log lines: always on.
// mysql2's only makes spans (and formats every statement's text first, sampled or not), so it
// loads only where spans go somewhere. No HTTP instrumentation: the services make no outgoing
// node:http calls (payments-worker's gateway call is fetch), and request-tracing.ts serves
// the incoming side.
async function spanOnlyInstrumentations(): Promise<Instrumentation[]> {
  if (!exporter) return []
  const { MySQL2Instrumentation } = await import('@opentelemetry/instrumentation-mysql2')
  return [new MySQL2Instrumentation()]
}

registerInstrumentations({
  tracerProvider,
  meterProvider,
  instrumentations: [
    new KafkaJsInstrumentation(),
    new PinoInstrumentation({ disableLogSending: !exportLogs }),
    ...(await spanOnlyInstrumentations()),
  ],
})

// The instrumentations patch CommonJS exports as they are first required. Every instrumented
// package here is CommonJS, so requiring each once now patches the one copy the services'
// ESM imports then share, without import-in-the-middle's loader: in Node 20 loader hooks run
// on a thread of their own, about 40 MB of resident memory per process (issue 17). A package
// whose ESM import replaces its export (pino) is required where it is used (regional-service.ts).
const require = createRequire(import.meta.url)
for (const m of ['kafkajs', 'pino', 'mysql2', 'mysql2/promise']) require(m)

const stop = () => void Promise.allSettled([tracerProvider.shutdown(), logProvider?.shutdown()])
process.once('beforeExit', stop)
