/**
 * `fleet gitops flip-writer`: moves the writer label between the cluster Secrets — what an
 * operator does after promoting the new primary database — and waits for the outcome Argo CD
 * must produce: the writer Application re-generated for the new cluster, payments-worker running
 * and the migration Job completed there, and neither left in any other cluster.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { CLUSTER_LABELS, GITOPS_NAMESPACES } from '@pos-fleet/topology/gitops'
import { FleetError, usageError } from '../errors.js'
import { type ApplicationState, expectedApplications, waitForSettled } from './applications.js'
import { type Cluster, KubectlError, getJson, kubectl } from './kubectl.js'
import { type KubeObject, readObjects } from './manifests.js'
import { regionalCluster, runningManagement } from './lifecycle.js'
import { gitopsPaths } from './paths.js'
import { join } from 'node:path'

/** The chart's writer-only components (components.paymentsWorker, components.migrations). */
export const WRITER_WORKLOADS = ['deployment/payments-worker', 'job/pos-fleet-migrate'] as const

export interface FlipReport {
  readonly from: readonly RegionId[]
  readonly to: RegionId
  readonly states: readonly ApplicationState[]
  /** From the label change to payments-worker and the migration Job only in `to`. */
  readonly elapsedMs: number
}

interface SecretObject {
  metadata: { name: string; labels?: Record<string, string> }
}

async function clusterSecrets(management: Cluster): Promise<SecretObject[]> {
  const list = await getJson<{ items: SecretObject[] }>(management, ['secrets', '-n', GITOPS_NAMESPACES.argocd, '-l', `${CLUSTER_LABELS.argoSecretType}=cluster,${CLUSTER_LABELS.region}`])
  return list.items
}

/** Which of the writer-only workloads exist in a regional cluster, and whether they are done starting. */
export async function writerWorkloads(region: RegionId): Promise<{ readonly present: string[]; readonly ready: boolean }> {
  const present: string[] = []
  let ready = true
  for (const workload of WRITER_WORKLOADS) {
    let object: { status?: { succeeded?: number; availableReplicas?: number } }
    try {
      object = await getJson(regionalCluster(region), [workload, '-n', GITOPS_NAMESPACES.fleet])
    } catch (error) {
      if (error instanceof KubectlError && /NotFound|not found/.test(error.stderr)) continue
      throw error
    }
    present.push(workload)
    const status = object.status ?? {}
    if (workload.startsWith('job/') ? !(status.succeeded && status.succeeded > 0) : !(status.availableReplicas && status.availableReplicas > 0)) ready = false
  }
  return { present, ready }
}

export async function flipWriter(o: { readonly to: RegionId; readonly timeoutMs: number; readonly log: (line: string) => void }): Promise<FlipReport> {
  const management = runningManagement()
  const secrets = await clusterSecrets(management)
  const regionOf = (s: SecretObject) => s.metadata.labels?.[CLUSTER_LABELS.region] as RegionId
  const from = secrets.filter((s) => s.metadata.labels?.[CLUSTER_LABELS.role] === 'writer').map(regionOf)
  if (from.length === 1 && from[0] === o.to) throw usageError(`${o.to} is the writer already; nothing changed`)
  if (!secrets.some((s) => regionOf(s) === o.to)) throw usageError(`no cluster Secret is labelled ${CLUSTER_LABELS.region}=${o.to}`)
  const started = Date.now()
  // Demote first: at no moment do two clusters carry the writer label.
  for (const s of secrets.filter((x) => regionOf(x) !== o.to)) await label(management, s, 'reader')
  await label(management, secrets.find((s) => regionOf(s) === o.to) as SecretObject, 'writer')
  o.log(`labelled ${o.to} writer${from.length ? `, ${from.join(', ')} reader` : ''}`)
  const appsets = readObjects(join(gitopsPaths.applied, 'pos-fleet.yaml')).filter((x: KubeObject) => x.kind === 'ApplicationSet')
  const expected = await expectedApplications(management, appsets, gitopsPaths.applied)
  const deadline = started + o.timeoutMs
  const states = await waitForSettled(management, expected, o.timeoutMs)
  for (;;) {
    const found = await Promise.all(REGION_IDS.map(async (r) => ({ region: r, ...(await writerWorkloads(r)) })))
    const target = found.find((f) => f.region === o.to)
    const elsewhere = found.filter((f) => f.region !== o.to && f.present.length > 0)
    if (target?.present.length === WRITER_WORKLOADS.length && target.ready && elsewhere.length === 0) {
      return { from, to: o.to, states, elapsedMs: Date.now() - started }
    }
    if (Date.now() > deadline) {
      throw new FleetError(
        `payments-worker and the migration Job did not settle in ${o.to} alone within ${o.timeoutMs / 1000} s: ${found.map((f) => `${f.region}: ${f.present.join(', ') || 'none'}${f.present.length && !f.ready ? ' (not ready)' : ''}`).join('; ')}`,
      )
    }
    await sleep(500)
  }
}

async function label(management: Cluster, secret: SecretObject, role: 'writer' | 'reader'): Promise<void> {
  await kubectl(management, ['label', 'secret', '-n', GITOPS_NAMESPACES.argocd, secret.metadata.name, `${CLUSTER_LABELS.role}=${role}`, '--overwrite'])
}
