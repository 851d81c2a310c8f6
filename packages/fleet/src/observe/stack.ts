import { loopbackAddressing } from '@pos-fleet/topology'
import { otlpTracesEndpoint } from '@pos-fleet/topology/observability'
import { isRunning, listProcesses } from '../infra/processes.js'
import { jaegerUrl, startJaeger } from './jaeger.js'
import { prometheusUrl, startPrometheus } from './prometheus.js'

export interface ObservabilityEndpoints {
  /** Jaeger's query service: `/api/traces/<traceId>`, `/api/services`, and its page. */
  jaeger: string
  prometheus: string
}

/** Jaeger and Prometheus, natively, before the services start (so their first spans arrive). */
export async function startObservability(): Promise<ObservabilityEndpoints> {
  await Promise.all([startJaeger(), startPrometheus()])
  return { jaeger: jaegerUrl, prometheus: prometheusUrl }
}

/**
 * What a service started now should add to its environment: while this fleet's Jaeger runs,
 * its spans go there. Read from the process registry, so a service restarted later (a drill,
 * a failover moving payments-worker) exports like the ones `fleet up --observe` started.
 */
export function observabilityEnv(): Record<string, string> {
  const jaeger = listProcesses().find((p) => p.name === 'jaeger')
  return jaeger && isRunning(jaeger) ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpTracesEndpoint(loopbackAddressing.bindHost) } : {}
}
