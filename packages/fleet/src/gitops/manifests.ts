/**
 * The committed argocd/ files as `gitops up` applies them: the AppProject and ApplicationSets
 * pointed at the locally served repository, and one cluster Secret per region — the committed
 * example's labels and annotations, with the regional apiserver as `server`, its bearer token,
 * the writer label where the writer is, and the native fleet's endpoints when it runs.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REGION_IDS, type RegionId, roleOf, topology } from '@pos-fleet/topology'
import { CLUSTER_ANNOTATIONS, CLUSTER_LABELS } from '@pos-fleet/topology/gitops'
import { parseAllDocuments } from 'yaml'
import type { Endpoints } from '../endpoints.js'
import { FleetError } from '../errors.js'
import { repoRoot } from '../infra/paths.js'
import type { ControlPlane } from './control-plane.js'
import type { ServedRepository } from './repository.js'

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [field: string]: unknown
}

export const argocdFiles = { gitops: join(repoRoot, 'argocd', 'pos-fleet.yaml'), exampleClusters: join(repoRoot, 'argocd', 'example-clusters.yaml') }

export function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null)
}

/** The AppProject and ApplicationSets, sourcing from `repository` instead of the public remote. */
export function gitopsObjects(repository: ServedRepository, targetRevision: string): KubeObject[] {
  return readObjects(argocdFiles.gitops).map((o) => {
    const copy = structuredClone(o) as any
    if (o.kind === 'AppProject') copy.spec.sourceRepos = [repository.url]
    if (o.kind === 'ApplicationSet') Object.assign(copy.spec.template.spec.source, { repoURL: repository.url, targetRevision })
    return copy as KubeObject
  })
}

/** What the cluster Secrets carry: the writer, and the endpoint annotations of each region. */
export interface ClusterInputs {
  readonly writer: RegionId
  readonly annotations: (region: RegionId) => Record<string, string>
  /** For the operator: where the annotation values came from. */
  readonly source: string
}

const hostPort = (url: string) => new URL(url).host

/** The running native fleet's writer and endpoints; the committed placeholders when none runs. */
export async function clusterInputs(): Promise<ClusterInputs> {
  let endpoints: Endpoints
  try {
    const { requireRunningFleet } = await import('../fleet.js')
    endpoints = requireRunningFleet()
  } catch (error) {
    if (!(error instanceof FleetError)) throw error
    return { writer: topology.writer, annotations: (r) => exampleSecret(r).metadata.annotations ?? {}, source: 'placeholders of argocd/example-clusters.yaml (no native fleet running)' }
  }
  return inputsFromEndpoints(endpoints)
}

/** The cluster Secret inputs of a running native fleet: its writer, and host:port forms of its endpoints. */
export function inputsFromEndpoints(endpoints: Endpoints): ClusterInputs {
  return {
    writer: endpoints.writer,
    annotations: (r) => ({
      ...exampleSecret(r).metadata.annotations,
      [CLUSTER_ANNOTATIONS.dbReadEndpoint]: hostPort(endpoints.regions[r].db.read),
      [CLUSTER_ANNOTATIONS.dbWriteEndpoint]: hostPort(endpoints.regions[r].db.write),
      [CLUSTER_ANNOTATIONS.kafkaBrokers]: endpoints.regions[r].kafka,
      [CLUSTER_ANNOTATIONS.paymentGatewayUrl]: endpoints.paymentGateway,
    }),
    source: `the native fleet's .pos-fleet/endpoints.json (writer ${endpoints.writer}; the OTel endpoint stays a placeholder)`,
  }
}

function exampleSecret(region: RegionId): KubeObject & { stringData: Record<string, string> } {
  const found = readObjects(argocdFiles.exampleClusters).find((s) => s.metadata.labels?.[CLUSTER_LABELS.region] === region)
  if (!found) throw new Error(`${argocdFiles.exampleClusters} has no cluster Secret for ${region}`)
  return found as KubeObject & { stringData: Record<string, string> }
}

export function clusterSecrets(plane: ControlPlane, inputs: ClusterInputs): KubeObject[] {
  return REGION_IDS.map((r) => {
    const example = exampleSecret(r)
    return {
      ...example,
      metadata: {
        ...example.metadata,
        labels: { ...example.metadata.labels, [CLUSTER_LABELS.role]: roleOf(r, inputs.writer) },
        annotations: inputs.annotations(r),
      },
      stringData: {
        ...example.stringData,
        server: plane.regions[r].server,
        config: JSON.stringify({ bearerToken: plane.token, tlsClientConfig: { insecure: true } }),
      },
    }
  })
}
