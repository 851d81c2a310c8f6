/**
 * Preloaded with `node --import @pos-fleet/platform/telemetry`, before any application
 * module, so http, fastify, mysql2, kafkajs and pino are instrumented when first loaded.
 * Spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set;
 * otherwise nothing is exported, but trace context still propagates (HTTP, Kafka headers)
 * and logs carry ids. Metrics: the one meter provider of ./metrics.js (imported first, so
 * it is the global one when the instrumentations below are constructed).
 */
import { register } from 'node:module'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs'
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2'
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino'
import { NodeSDK } from '@opentelemetry/sdk-node'
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { meterProvider } from './metrics.js'
import { serviceResource } from './resource.js'

// ESM imports of instrumented packages only pass through the OTel hooks with this loader.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)

// A tracer provider is registered even when nothing is exported: without one, spans
// have no ids, so neither log correlation nor Kafka-header propagation would work.
function spanProcessor(): SpanProcessor {
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return new BatchSpanProcessor(new OTLPTraceExporter())
  if (process.env.OTEL_TRACES_EXPORTER === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter())
  return new NoopSpanProcessor()
}

// Log records go over OTLP only where a collector takes them (compose, Kubernetes); natively
// `--observe` sets just the traces endpoint, and the lines stay in each process's log file.
const exportLogs = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT)

const instrumentations = [
  new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') }),
  // Sets http.route, which the HTTP instrumentation puts on http.server.request.duration.
  new FastifyOtelInstrumentation({ registerOnInitialization: true }),
  new MySQL2Instrumentation(),
  new KafkaJsInstrumentation(),
  // Log lines get trace ids either way.
  new PinoInstrumentation({ disableLogSending: !exportLogs }),
]

const sdk = new NodeSDK({
  resource: serviceResource(),
  autoDetectResources: false,
  spanProcessors: [spanProcessor()],
  // Empty on purpose: the SDK would otherwise build a second meter provider (OTLP by default).
  metricReaders: [],
  // Without processors the SDK configures OTLP logs from the environment.
  ...(exportLogs ? {} : { logRecordProcessors: [] }),
  instrumentations,
})
sdk.start()
for (const i of instrumentations) i.setMeterProvider(meterProvider)

const stop = () => void sdk.shutdown().catch(() => undefined)
process.once('beforeExit', stop)
