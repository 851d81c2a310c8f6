import { Construct } from 'constructs'
import { AppProject } from '../imports/argoproj.io.js'
import { ARGOCD_NAMESPACE, FLEET_NAMESPACE, PROJECT } from '../conventions.js'

export interface FleetProjectProps {
  /** The one Git repository Applications of the project may deploy from. */
  readonly repoUrl: string
  /**
   * Cluster names (globs) the project may deploy to.
   * @default ['pos-*'] — the ACK clusters registered as pos-<region>
   */
  readonly clusterNames?: readonly string[]
  /** @default 'pos-fleet' */
  readonly namespace?: string
}

/** Kinds the chart renders; anything else in an Application of this project fails to sync. */
const NAMESPACED_KINDS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'batch', kind: 'Job' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
]

/** The AppProject: one source repository, the fleet namespace on the fleet's clusters, nothing cluster-wide but that namespace. */
export class FleetProject extends Construct {
  readonly name = PROJECT

  constructor(scope: Construct, id: string, props: FleetProjectProps) {
    super(scope, id)
    const namespace = props.namespace ?? FLEET_NAMESPACE
    new AppProject(this, 'project', {
      metadata: { name: PROJECT, namespace: ARGOCD_NAMESPACE },
      spec: {
        description: 'pos-fleet: storefront and inventory-delta in every region, payments-worker and migrations at the writer',
        sourceRepos: [props.repoUrl],
        destinations: (props.clusterNames ?? ['pos-*']).map((name) => ({ name, namespace })),
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        namespaceResourceWhitelist: NAMESPACED_KINDS.map((k) => ({ ...k })),
        orphanedResources: { warn: true },
      },
    })
  }
}
