import { Chart, type ChartProps } from 'cdk8s'
import type { Construct } from 'constructs'
import { ANNOTATIONS, DEFAULT_IMAGE, DEFAULT_REPO_URL, LABELS, requiredAnnotationExpr } from '../conventions.js'
import { FleetApplicationSet } from '../constructs/fleet-application-set.js'
import { FleetProject } from '../constructs/fleet-project.js'

export interface GitOpsChartProps extends ChartProps {
  /** @default the project's repository */
  readonly repoUrl?: string
  /** @default 'main' */
  readonly targetRevision?: string
  /** @default ghcr.io/pos-fleet/pos-fleet:0.1.0 */
  readonly image?: { readonly repository: string; readonly tag: string }
}

/** ApplicationSet names; also the Helm release names on each cluster. */
export const APPSETS = { regional: 'pos-fleet-regional', writer: 'pos-fleet-writer' } as const

/**
 * What argocd/ holds: the AppProject, the regional ApplicationSet (storefront and
 * inventory-delta on every cluster labelled with a region) and the writer ApplicationSet
 * (migrations, then payments-worker, on the cluster labelled role=writer only).
 */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, props: GitOpsChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props })
    const repoUrl = props.repoUrl ?? DEFAULT_REPO_URL
    const image = props.image ?? DEFAULT_IMAGE
    const project = new FleetProject(this, 'project', { repoUrl })
    const common = { project: project.name, repoUrl, image, ...(props.targetRevision ? { targetRevision: props.targetRevision } : {}) }

    new FleetApplicationSet(this, 'regional', {
      ...common,
      name: APPSETS.regional,
      selector: { matchExpressions: [{ key: LABELS.region, operator: 'Exists' }] },
      components: { storefront: true, inventoryDelta: true, paymentsWorker: false, migrations: false },
    })

    new FleetApplicationSet(this, 'writer', {
      ...common,
      name: APPSETS.writer,
      selector: {
        matchLabels: { [LABELS.role]: 'writer' },
        matchExpressions: [{ key: LABELS.region, operator: 'Exists' }],
      },
      // Inside this Application the migration Job is a PreSync hook (sync wave -1) and
      // payments-worker is in wave 1: the schema is migrated before the worker starts.
      components: { storefront: false, inventoryDelta: false, paymentsWorker: true, migrations: true },
      extraValues: { paymentGateway: { url: requiredAnnotationExpr(ANNOTATIONS.paymentGatewayUrl) } },
    })
  }
}
