/**
 * The GitOps side of the spec: the cluster Secret contract the ApplicationSets read (labels,
 * annotations, cluster names), and the ports of the local control plane `fleet gitops up` runs
 * (a management apiserver with Argo CD, one apiserver per region). Every port is on 127.0.0.1
 * and outside the native fleet's 18000–18999 and toxiproxy's 8474, so both run side by side.
 */
import { type RegionId, region } from './regions.js'

export const CLUSTER_LABELS = {
  /** Every regional cluster: which topology region it serves. */
  region: 'pos-fleet.io/region',
  /** writer on exactly one cluster (runs payments-worker and the migrations), reader elsewhere. */
  role: 'pos-fleet.io/role',
  argoSecretType: 'argocd.argoproj.io/secret-type',
} as const

/** Per-cluster Helm inputs, carried as annotations on the Argo CD cluster Secret; all required. */
export const CLUSTER_ANNOTATIONS = {
  dbReadEndpoint: 'pos-fleet.io/db-read-endpoint',
  dbWriteEndpoint: 'pos-fleet.io/db-write-endpoint',
  kafkaBrokers: 'pos-fleet.io/kafka-brokers',
  otelEndpoint: 'pos-fleet.io/otel-endpoint',
  paymentGatewayUrl: 'pos-fleet.io/payment-gateway-url',
} as const

/** Argo CD cluster name of a region's cluster; the AppProject admits `pos-*`. */
export function clusterName(id: RegionId): string {
  return `pos-${id}`
}

export const GITOPS_NAMESPACES = { argocd: 'argocd', fleet: 'pos-fleet' } as const

/** The local GitOps control plane's listen ports. */
export const GITOPS_PORTS = {
  etcdClient: 22379,
  etcdPeer: 22380,
  managementApiserver: 26443,
  redis: 26379,
  repoServer: 26081,
  applicationControllerMetrics: 26082,
  applicationSetMetrics: 26083,
  repoServerMetrics: 26084,
  applicationSetProbe: 26085,
  applicationSetWebhook: 26087,
} as const

export interface RegionalClusterPorts {
  readonly apiserver: number
  readonly controllerManager: number
  readonly scheduler: number
}

/** One apiserver per region (26444…), its controller-manager and scheduler (27250…). */
export function regionalClusterPorts(id: RegionId): RegionalClusterPorts {
  const { index } = region(id)
  return { apiserver: 26444 + index, controllerManager: 27250 + 2 * index, scheduler: 27251 + 2 * index }
}
