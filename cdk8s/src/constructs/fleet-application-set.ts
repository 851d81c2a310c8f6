import { Construct } from 'constructs'
import { ApplicationSet, type ApplicationSetSpec } from '../imports/argoproj.io.js'
import { ANNOTATIONS, ARGOCD_NAMESPACE, CHART_PATH, DB_SECRET, FLEET_NAMESPACE, LABELS, labelExpr, requiredAnnotationExpr, requiredLabelExpr } from '../conventions.js'

type ClusterSelector = NonNullable<NonNullable<ApplicationSetSpec['generators'][number]['clusters']>['selector']>

export interface FleetComponents {
  readonly storefront: boolean
  readonly inventoryDelta: boolean
  readonly paymentsWorker: boolean
  readonly migrations: boolean
}

export interface FleetApplicationSetProps {
  /** ApplicationSet name; also the Helm release name of its Applications. */
  readonly name: string
  /** Which registered clusters get an Application (Argo CD cluster generator selector). */
  readonly selector: ClusterSelector
  /** The chart's `components` switches for this slice of the fleet. */
  readonly components: FleetComponents
  readonly project: string
  readonly repoUrl: string
  /** @default 'main' */
  readonly targetRevision?: string
  readonly image: { readonly repository: string; readonly tag: string }
  /** Extra Helm values, merged over the cluster-derived ones (strings may hold Go templates). */
  readonly extraValues?: Readonly<Record<string, unknown>>
  /** @default 'pos-fleet' */
  readonly namespace?: string
}

/**
 * An ApplicationSet over Argo CD's registered clusters: one Application per selected cluster,
 * named `<name>-<region>`, rendering charts/pos-fleet with values read from the cluster
 * Secret's labels (region, role) and annotations (endpoints), each one required: a cluster
 * Secret lacking one fails the ApplicationSet with a message naming both. goTemplate with
 * missingkey=error, automated sync with prune and selfHeal. When a cluster stops matching the
 * selector, its Application is deleted and the resources finalizer prunes what it deployed —
 * which is how moving the writer label moves payments-worker.
 */
export class FleetApplicationSet extends Construct {
  constructor(scope: Construct, id: string, props: FleetApplicationSetProps) {
    super(scope, id)
    const region = labelExpr(LABELS.region)
    new ApplicationSet(this, 'appset', {
      metadata: { name: props.name, namespace: ARGOCD_NAMESPACE },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ clusters: { selector: props.selector } }],
        template: {
          metadata: {
            name: `${props.name}-${region}`,
            labels: { 'app.kubernetes.io/part-of': 'pos-fleet', [LABELS.region]: region, 'pos-fleet.io/slice': props.name },
            // Deleting the Application (cluster no longer selected) deletes what it deployed.
            finalizers: ['resources-finalizer.argocd.argoproj.io'],
          },
          spec: {
            project: props.project,
            source: {
              repoURL: props.repoUrl,
              targetRevision: props.targetRevision ?? 'main',
              path: CHART_PATH,
              helm: {
                releaseName: props.name,
                valuesObject: {
                  region,
                  role: requiredLabelExpr(LABELS.role),
                  image: { repository: props.image.repository, tag: props.image.tag },
                  components: { ...props.components },
                  database: {
                    readEndpoint: requiredAnnotationExpr(ANNOTATIONS.dbReadEndpoint),
                    writeEndpoint: requiredAnnotationExpr(ANNOTATIONS.dbWriteEndpoint),
                    name: 'pos',
                    existingSecret: DB_SECRET,
                  },
                  kafka: { brokers: requiredAnnotationExpr(ANNOTATIONS.kafkaBrokers) },
                  otel: { endpoint: requiredAnnotationExpr(ANNOTATIONS.otelEndpoint) },
                  ...props.extraValues,
                },
              },
            },
            destination: { name: '{{ .name }}', namespace: props.namespace ?? FLEET_NAMESPACE },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
              retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
            },
          },
        },
      },
    })
  }
}
