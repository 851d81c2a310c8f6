/**
 * Preloaded with `node --import @pos-fleet/platform/telemetry`, before any application
 * module, so http, fastify, mysql2, kafkajs and pino are instrumented when first loaded.
 * Spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise nothing is
 * exported, but trace context still propagates (HTTP, Kafka headers) and logs carry ids.
 */
import { register } from 'node:module'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs'
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2'
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base'

// ESM imports of instrumented packages only pass through the OTel hooks with this loader.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)

// A tracer provider is registered even when nothing is exported: without one, spans
// have no ids, so neither log correlation nor Kafka-header propagation would work.
function spanProcessor(): SpanProcessor {
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return new BatchSpanProcessor(new OTLPTraceExporter())
  if (process.env.OTEL_TRACES_EXPORTER === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter())
  return new NoopSpanProcessor()
}

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'cloud.region': process.env.POS_REGION ?? 'unknown' }),
  spanProcessors: [spanProcessor()],
  // metrics.ts owns the meter provider (Prometheus /metrics, OTLP when configured). Given no
  // readers, NodeSDK registers its own global provider with a default OTLP reader first, and
  // every application metric went there: /metrics showed none of them.
  metricReaders: [],
  instrumentations: [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') }),
    new FastifyOtelInstrumentation({ registerOnInitialization: true }),
    new MySQL2Instrumentation(),
    new KafkaJsInstrumentation(),
    new PinoInstrumentation(),
  ],
})
sdk.start()

const stop = () => void sdk.shutdown().catch(() => undefined)
process.once('beforeExit', stop)
