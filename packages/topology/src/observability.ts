/**
 * The native runner's optional observability stack (`fleet up --observe`): Jaeger all-in-one
 * receiving every service's spans over OTLP, and Prometheus scraping every service's
 * `/metrics`. Both listen on loopback, in the fleet's port range.
 */
export const OBSERVABILITY_PORTS = {
  /** Jaeger's query service: its HTTP API (`/api/traces`, `/api/services`) and UI page. */
  jaegerQuery: 18980,
  /** Jaeger's OTLP/HTTP receiver: services post spans to `/v1/traces`. */
  jaegerOtlpHttp: 18981,
  /** Jaeger's health check (`/status`). */
  jaegerHealth: 18982,
  /** Jaeger's query gRPC server (Jaeger always opens one). */
  jaegerQueryGrpc: 18983,
  prometheus: 18985,
  /** `fleet console`'s page. */
  console: 18970,
} as const

/** Where a service of the native fleet sends its spans when the fleet runs with `--observe`. */
export function otlpTracesEndpoint(host: string): string {
  return `http://${host}:${OBSERVABILITY_PORTS.jaegerOtlpHttp}/v1/traces`
}
