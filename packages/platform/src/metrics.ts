import { metrics } from '@opentelemetry/api'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics'
import { resourceFromAttributes } from '@opentelemetry/resources'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Metrics are always served on the service's own `/metrics` (Prometheus text) and, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, pushed over OTLP too. Set up here rather than in
 * the preloaded SDK so `/metrics` also works in tests that build the app in-process.
 */
const prometheus = new PrometheusExporter({ preventServerStart: true })
const readers: MetricReader[] = [prometheus]
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 10_000 }))
}
const provider = new MeterProvider({
  resource: resourceFromAttributes({
    'service.name': process.env.OTEL_SERVICE_NAME ?? 'pos-fleet',
    'cloud.region': process.env.POS_REGION ?? 'unknown',
  }),
  readers,
})
metrics.setGlobalMeterProvider(provider)

export const meter = metrics.getMeter('pos-fleet')

export function serveMetrics(req: IncomingMessage, res: ServerResponse): void {
  prometheus.getMetricsRequestHandler(req, res)
}

export async function shutdownMetrics(): Promise<void> {
  await provider.shutdown()
}
