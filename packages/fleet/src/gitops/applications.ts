/**
 * The Applications Argo CD generated and how far each got, read from the management cluster; and
 * the set it should have generated, computed by Argo CD's own ApplicationSet code
 * (appset-render) from the live cluster Secrets.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { GITOPS_NAMESPACES } from '@pos-fleet/topology/gitops'
import { execa } from 'execa'
import { parseAllDocuments, stringify } from 'yaml'
import { FleetError } from '../errors.js'
import { type Cluster, getJson } from './kubectl.js'
import type { KubeObject } from './manifests.js'
import { appsetRenderBinary } from './tools.js'

const namespace = GITOPS_NAMESPACES.argocd

export interface ApplicationState {
  readonly name: string
  readonly destination: string
  readonly sync: string
  readonly health: string
  readonly operation: string
  readonly message: string
}

interface Condition {
  readonly type: string
  readonly status?: string
  readonly message?: string
}

interface ApplicationObject {
  metadata: { name: string }
  spec: { destination: { name?: string } }
  status?: {
    sync?: { status?: string }
    health?: { status?: string; message?: string }
    operationState?: { phase?: string; message?: string; syncResult?: { resources?: { kind: string; name: string; status?: string; message?: string }[] } }
    conditions?: Condition[]
    resources?: { kind: string; name: string; status?: string; health?: { status?: string; message?: string } }[]
  }
}

/** The resources holding an Application back, e.g. `HorizontalPodAutoscaler/storefront Degraded: …`. */
function blockingResources(a: ApplicationObject): string[] {
  const live = (a.status?.resources ?? [])
    .filter((r) => (r.health?.status !== undefined && r.health.status !== 'Healthy') || (r.status !== undefined && r.status !== 'Synced'))
    .map((r) => `${r.kind}/${r.name} ${[r.status, r.health?.status].filter(Boolean).join('/')}${r.health?.message ? `: ${r.health.message}` : ''}`)
  const failedTasks = (a.status?.operationState?.syncResult?.resources ?? [])
    .filter((r) => r.status !== undefined && r.status !== 'Synced')
    .map((r) => `sync of ${r.kind}/${r.name} ${r.status}${r.message ? `: ${r.message}` : ''}`)
  return [...live, ...failedTasks]
}

export async function applicationStates(management: Cluster): Promise<ApplicationState[]> {
  const list = await getJson<{ items: ApplicationObject[] }>(management, ['applications.argoproj.io', '-n', namespace])
  return list.items
    .map((a) => ({
      name: a.metadata.name,
      destination: a.spec.destination.name ?? '',
      sync: a.status?.sync?.status ?? 'Unknown',
      health: a.status?.health?.status ?? 'Unknown',
      operation: a.status?.operationState?.phase ?? '-',
      message: [a.status?.operationState?.message, a.status?.health?.message, ...(a.status?.conditions ?? []).map((c) => `${c.type}: ${c.message}`), ...blockingResources(a)].filter(Boolean).join('; '),
    }))
    .sort((x, y) => x.name.localeCompare(y.name))
}

/** The ApplicationSets' error conditions (a template that failed, a cluster Secret it rejected). */
export async function applicationSetErrors(management: Cluster): Promise<{ readonly appset: string; readonly message: string }[]> {
  const list = await getJson<{ items: { metadata: { name: string }; status?: { conditions?: Condition[] } }[] }>(management, ['applicationsets.argoproj.io', '-n', namespace])
  return list.items.flatMap((s) =>
    (s.status?.conditions ?? []).filter((c) => c.type === 'ErrorOccurred' && c.status === 'True').map((c) => ({ appset: s.metadata.name, message: c.message ?? '' })),
  )
}

/** The Applications Argo CD's generators and templates yield for the cluster Secrets now registered. */
export async function expectedApplications(management: Cluster, appsets: readonly KubeObject[], workDir: string): Promise<string[]> {
  const file = join(workDir, 'applicationsets.yaml')
  writeFileSync(file, appsets.map((o) => stringify(o)).join('---\n'))
  const result = await execa(appsetRenderBinary(), ['--appsets', file, '--kubeconfig', management.kubeconfig, '--namespace', namespace], { reject: false })
  if (result.exitCode !== 0) throw new FleetError(`the ApplicationSets do not render for the registered clusters: ${result.stderr.trim()}`)
  return parseAllDocuments(result.stdout)
    .map((doc) => (doc.toJS() as KubeObject | null)?.metadata.name)
    .filter((name): name is string => name !== undefined)
    .sort()
}

export const isSettled = (a: ApplicationState) => a.sync === 'Synced' && a.health === 'Healthy' && (a.operation === 'Succeeded' || a.operation === '-')

export function describeStates(states: readonly ApplicationState[]): string[] {
  return states.map((a) => `${a.name.padEnd(34)} → ${a.destination.padEnd(20)} ${a.sync}/${a.health} (last sync ${a.operation})${isSettled(a) || !a.message ? '' : ` — ${a.message}`}`)
}

/**
 * Polls until the Applications are exactly `expected`, each Synced and Healthy with its last sync
 * Succeeded, and no ApplicationSet reports an error; otherwise, at `timeoutMs`, a FleetError
 * that shows every Application's state.
 */
export async function waitForSettled(management: Cluster, expected: readonly string[], timeoutMs: number): Promise<ApplicationState[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const states = await applicationStates(management)
    const errors = await applicationSetErrors(management)
    const names = states.map((a) => a.name)
    if (errors.length === 0 && names.join() === [...expected].sort().join() && states.every(isSettled)) return states
    if (Date.now() > deadline) {
      const missing = expected.filter((n) => !names.includes(n))
      const extra = names.filter((n) => !expected.includes(n))
      throw new FleetError(
        [
          `the Applications did not all become Synced and Healthy within ${timeoutMs / 1000} s`,
          ...describeStates(states),
          ...(missing.length ? [`not generated: ${missing.join(', ')}`] : []),
          ...(extra.length ? [`not expected: ${extra.join(', ')}`] : []),
          ...errors.map((e) => `ApplicationSet ${e.appset}: ${e.message}`),
        ].join('\n'),
      )
    }
    await sleep(1_000)
  }
}
