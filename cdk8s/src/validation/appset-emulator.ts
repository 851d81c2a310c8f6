/**
 * What Argo CD's ApplicationSet controller would generate from an ApplicationSet with a
 * cluster generator, given the cluster Secrets registered in Argo CD:
 *
 * 1. Cluster generator (applicationset/generators/cluster.go): a cluster is a Secret labelled
 *    argocd.argoproj.io/secret-type=cluster; it is selected when the generator's label
 *    selector (matchLabels AND matchExpressions, Kubernetes semantics) matches the Secret's
 *    labels. In goTemplate mode its parameters are { name, nameNormalized, server,
 *    metadata: { labels, annotations } } plus the generator's `values`.
 * 2. Template rendering is done by real Go text/template, in appset-render/main.go, which
 *    mirrors applicationset/utils.Render: every string and map key (valuesObject included)
 *    rendered separately with goTemplateOptions applied. Argo then adds the resources
 *    finalizer when the template has none and preserveResourcesOnDeletion is off; so do we.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { K8sObject } from './kubernetes-schemas.js'

export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>
}

export interface ClusterSecret extends K8sObject {
  stringData?: Record<string, string>
  data?: Record<string, string>
}

export interface GeneratedApplication {
  apiVersion: 'argoproj.io/v1alpha1'
  kind: 'Application'
  metadata: K8sObject['metadata'] & { finalizers?: string[] }
  spec: any
}

const RENDERER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'appset-render')

export function matchesSelector(labels: Record<string, string>, selector: LabelSelector | undefined): boolean {
  if (!selector) return true
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key)
    const value = labels[e.key]
    switch (e.operator) {
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      case 'In':
        if (!has || !(e.values ?? []).includes(value as string)) return false
        break
      case 'NotIn':
        if (has && (e.values ?? []).includes(value as string)) return false
        break
    }
  }
  return true
}

function secretField(secret: ClusterSecret, key: string): string {
  const plain = secret.stringData?.[key]
  if (plain !== undefined) return plain
  const encoded = secret.data?.[key]
  if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8')
  throw new Error(`cluster Secret ${secret.metadata.name} has no ${key}`)
}

/** Argo's utils.SanitizeName: lowercase, invalid DNS characters to '-', trimmed to 253. */
function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 253)
}

export function clusterGeneratorParams(secrets: readonly ClusterSecret[], generator: { selector?: LabelSelector; values?: Record<string, string> }) {
  return secrets
    .filter((s) => s.metadata.labels?.['argocd.argoproj.io/secret-type'] === 'cluster')
    .filter((s) => matchesSelector(s.metadata.labels ?? {}, generator.selector))
    .map((s) => {
      const name = secretField(s, 'name')
      return {
        name,
        nameNormalized: sanitizeName(name),
        server: secretField(s, 'server'),
        metadata: { labels: s.metadata.labels ?? {}, annotations: s.metadata.annotations ?? {} },
        ...(generator.values ? { values: generator.values } : {}),
      }
    })
}

/** The Applications an ApplicationSet (cluster generators only) yields for these cluster Secrets. */
export function generateApplications(appSet: K8sObject, secrets: readonly ClusterSecret[]): GeneratedApplication[] {
  const spec = appSet.spec as any
  if (spec.goTemplate !== true) throw new Error('only goTemplate ApplicationSets are emulated')
  const params = (spec.generators as any[]).flatMap((g) => {
    if (!g.clusters) throw new Error(`unsupported generator ${Object.keys(g).join(',')}`)
    return clusterGeneratorParams(secrets, g.clusters)
  })
  if (params.length === 0) return []
  const result = spawnSync('go', ['run', '.'], {
    cwd: RENDERER_DIR,
    input: JSON.stringify({ template: spec.template, options: spec.goTemplateOptions ?? [], params }),
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
  })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`ApplicationSet ${appSet.metadata.name}: template rendering failed: ${result.stderr.trim()}`)
  const rendered = JSON.parse(result.stdout) as Array<{ metadata: any; spec: any }>
  return rendered.map((t) => {
    const finalizers = t.metadata.finalizers?.length ? t.metadata.finalizers : spec.syncPolicy?.preserveResourcesOnDeletion ? undefined : ['resources-finalizer.argocd.argoproj.io']
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { ...t.metadata, namespace: appSet.metadata.namespace, ...(finalizers ? { finalizers } : {}) },
      spec: t.spec,
    }
  })
}
