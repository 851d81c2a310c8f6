import { context, metrics } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { serviceResource } from './resource.js'

/**
 * The process's ONE meter provider: the platform's instruments and the instrumentations'
 * (HTTP server duration, mysql2, kafkajs) all record here. The preloaded telemetry module
 * imports this before it constructs the instrumentations and keeps the NodeSDK from
 * registering a second provider (it would, by default, with an OTLP reader: then the first
 * provider to register wins the global API, and `/metrics` — this provider's reader —
 * answered only `target_info`). It also works without the preload, for in-process tests.
 *
 * Always served on the service's own `/metrics` (Prometheus text); pushed over OTLP too when
 * OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is set.
 */
const prometheus = new PrometheusExporter({ preventServerStart: true })
const readers: MetricReader[] = [prometheus]
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) {
  readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 10_000 }))
}

export const meterProvider = new MeterProvider({ resource: serviceResource(), readers })
metrics.setGlobalMeterProvider(meterProvider)

/** The platform's and the services' instruments; taken from the provider itself, not the global API. */
export const meter = meterProvider.getMeter('pos-fleet')

/** Histogram buckets, in seconds, that resolve the emulated WAN (90–220 ms RTT) and the 2 s write deadline. */
export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10]

/**
 * Runs a probe (a heartbeat, a metric's query on scrape) with tracing suppressed: several
 * a second per process would drown the real traces.
 */
export function untraced<T>(work: () => Promise<T>): Promise<T> {
  return context.with(suppressTracing(context.active()), work)
}

export function serveMetrics(req: IncomingMessage, res: ServerResponse): void {
  prometheus.getMetricsRequestHandler(req, res)
}

export async function shutdownMetrics(): Promise<void> {
  await meterProvider.shutdown()
}
