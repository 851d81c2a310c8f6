/**
 * Names shared by the Argo CD objects, the example cluster Secrets and the tests: the labels
 * and annotations a cluster carries, and where the fleet is deployed.
 */
import type { RegionId } from '@pos-fleet/topology'

export const LABELS = {
  /** Every regional cluster: which topology region it serves. */
  region: 'pos-fleet.io/region',
  /** writer on exactly one cluster (runs payments-worker and the migrations), reader elsewhere. */
  role: 'pos-fleet.io/role',
  argoSecretType: 'argocd.argoproj.io/secret-type',
} as const

/** Per-cluster Helm inputs, carried as annotations on the Argo CD cluster Secret. */
export const ANNOTATIONS = {
  dbReadEndpoint: 'pos-fleet.io/db-read-endpoint',
  dbWriteEndpoint: 'pos-fleet.io/db-write-endpoint',
  kafkaBrokers: 'pos-fleet.io/kafka-brokers',
  otelEndpoint: 'pos-fleet.io/otel-endpoint',
  paymentGatewayUrl: 'pos-fleet.io/payment-gateway-url',
} as const

export const ARGOCD_NAMESPACE = 'argocd'
export const PROJECT = 'pos-fleet'
export const FLEET_NAMESPACE = 'pos-fleet'
/** The Secret (created per cluster, out of band) holding the database accounts the chart reads. */
export const DB_SECRET = 'pos-fleet-db'
export const CHART_PATH = 'charts/pos-fleet'
export const DEFAULT_REPO_URL = 'https://github.com/pos-fleet/pos-fleet.git'
/** The image every Application deploys: a pinned release tag, never `latest`. */
export const DEFAULT_IMAGE = { repository: 'ghcr.io/pos-fleet/pos-fleet', tag: '0.1.0' } as const

/** Argo CD cluster name of a region's ACK cluster; the AppProject admits `pos-*`. */
export function clusterName(region: RegionId): string {
  return `pos-${region}`
}

/** A Go-template expression reading a cluster label or annotation (keys with '/' need `index`). */
export function labelExpr(key: string): string {
  return `{{ index .metadata.labels "${key}" }}`
}

export function annotationExpr(key: string): string {
  return `{{ index .metadata.annotations "${key}" }}`
}
