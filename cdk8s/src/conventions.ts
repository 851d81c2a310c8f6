/**
 * Names shared by the Argo CD objects, the example cluster Secrets and the tests: the labels
 * and annotations a cluster carries, and where the fleet is deployed.
 */
import { CLUSTER_ANNOTATIONS, CLUSTER_LABELS, GITOPS_NAMESPACES } from '@pos-fleet/topology/gitops'

export { clusterName } from '@pos-fleet/topology/gitops'

/** The cluster Secret contract lives in the spec, which the fleet CLI's `gitops` commands read too. */
export const LABELS = CLUSTER_LABELS
export const ANNOTATIONS = CLUSTER_ANNOTATIONS

export const ARGOCD_NAMESPACE = GITOPS_NAMESPACES.argocd
export const PROJECT = 'pos-fleet'
export const FLEET_NAMESPACE = GITOPS_NAMESPACES.fleet
/** The Secret (created per cluster, out of band) holding the database accounts the chart reads. */
export const DB_SECRET = 'pos-fleet-db'
export const CHART_PATH = 'charts/pos-fleet'
export const DEFAULT_REPO_URL = 'https://github.com/pos-fleet/pos-fleet.git'
/** The image every Application deploys: a pinned release tag, never `latest`. */
export const DEFAULT_IMAGE = { repository: 'ghcr.io/pos-fleet/pos-fleet', tag: '0.1.0' } as const

/** A Go-template expression reading a cluster label or annotation (keys with '/' need `index`). */
export function labelExpr(key: string): string {
  return `{{ index .metadata.labels "${key}" }}`
}

/**
 * A cluster label or annotation the chart cannot do without. `index` on a missing key yields ""
 * even under missingkey=error, so an unset annotation would render silently and fail only later
 * in the repo server; this makes the ApplicationSet itself fail, naming the cluster and the key.
 */
function requiredExpr(field: 'labels' | 'annotations', key: string): string {
  const value = `index .metadata.${field} "${key}"`
  const kind = field === 'labels' ? 'label' : 'annotation'
  return `{{ if not (${value}) }}{{ fail (printf "cluster %s: required ${kind} ${key} is missing or empty" .name) }}{{ end }}{{ ${value} }}`
}

export function requiredLabelExpr(key: string): string {
  return requiredExpr('labels', key)
}

export function requiredAnnotationExpr(key: string): string {
  return requiredExpr('annotations', key)
}
