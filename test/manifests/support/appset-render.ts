/**
 * The Applications Argo CD's ApplicationSet controller generates, computed by Argo CD's own code:
 * tools/argocd/cmd/appset-render runs its cluster generator (applicationset/generators) and
 * template rendering (applicationset/controllers/template, utils.Render with sprig) on cluster
 * Secrets from a file, through in-memory fake Kubernetes clients.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appsetRenderBinary } from '@pos-fleet/fleet/gitops/tools'
import { parseObjects } from '../../../cdk8s/src/validation/helm.js'
import type { K8sObject } from '../../../cdk8s/src/validation/kubernetes-schemas.js'

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

export type RenderResult = { readonly ok: true; readonly applications: GeneratedApplication[] } | { readonly ok: false; readonly error: string }

/** JSON documents are YAML documents; appset-render splits the stream at `---`. */
const yamlStream = (objects: readonly object[]) => objects.map((o) => JSON.stringify(o)).join('\n---\n')

/** Renders the ApplicationSets for these cluster Secrets; `ok: false` carries Argo CD's error. */
export function renderApplicationSets(appSets: readonly K8sObject[], secrets: readonly ClusterSecret[]): RenderResult {
  const dir = mkdtempSync(join(tmpdir(), 'pos-fleet-appsets-'))
  try {
    writeFileSync(join(dir, 'appsets.yaml'), yamlStream(appSets))
    writeFileSync(join(dir, 'clusters.yaml'), yamlStream(secrets))
    const result = spawnSync(appsetRenderBinary(), ['--appsets', join(dir, 'appsets.yaml'), '--clusters', join(dir, 'clusters.yaml')], { encoding: 'utf8' })
    if (result.error) throw result.error
    if (result.status === 2) throw new Error(`appset-render could not read its input: ${result.stderr}`)
    if (result.status !== 0) return { ok: false, error: result.stderr.trim() }
    return { ok: true, applications: parseObjects(result.stdout) as unknown as GeneratedApplication[] }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The Applications, or an Error with Argo CD's message. */
export function generateApplications(appSets: readonly K8sObject[], secrets: readonly ClusterSecret[]): GeneratedApplication[] {
  const result = renderApplicationSets(appSets, secrets)
  if (!result.ok) throw new Error(result.error)
  return result.applications
}
