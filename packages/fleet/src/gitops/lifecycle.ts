/** `fleet gitops up` and `down`: the whole local GitOps control plane, started and stopped by recorded PID. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RegionId } from '@pos-fleet/topology'
import { stringify } from 'yaml'
import { FleetError } from '../errors.js'
import { isRunning, listProcesses, stopAll } from '../infra/processes.js'
import { type ApplicationState, expectedApplications, waitForSettled } from './applications.js'
import { installArgoCd, startArgoCd } from './argocd.js'
import { type ControlPlane, startControlPlane } from './control-plane.js'
import { type Cluster, applyObjects } from './kubectl.js'
import { type ClusterInputs, clusterInputs, clusterSecrets, gitopsObjects } from './manifests.js'
import { gitopsDir, gitopsPaths, gitopsProcessesFile } from './paths.js'
import { TARGET_REVISION, serveCurrentCommit } from './repository.js'
import { gitopsTools } from './tools.js'

export interface GitopsUpReport {
  readonly commit: string
  readonly inputs: ClusterInputs
  readonly states: readonly ApplicationState[]
  /** From the first process started to every Application Synced and Healthy. */
  readonly startupMs: number
  /** From the ApplicationSets applied (Argo CD running) to every Application Synced and Healthy. */
  readonly syncMs: number
}

export const managementCluster: Cluster = { name: 'management', kubeconfig: gitopsPaths.cluster('management').kubeconfig }

export function regionalCluster(region: RegionId): Cluster {
  return { name: region, kubeconfig: gitopsPaths.cluster(region).kubeconfig }
}

/** The management cluster of a running GitOps control plane, or a FleetError (exit 2). */
export function runningManagement(): Cluster {
  const recorded = listProcesses(gitopsProcessesFile)
  const stopped = recorded.filter((p) => !isRunning(p)).map((p) => p.name)
  if (recorded.length === 0) throw new FleetError('no GitOps control plane is running: start one with `pnpm fleet gitops up`', { exitCode: 2 })
  if (stopped.length > 0) throw new FleetError(`the GitOps control plane is not running (${stopped.join(', ')} stopped): run \`pnpm fleet gitops down\`, then \`pnpm fleet gitops up\``, { exitCode: 2 })
  return managementCluster
}

export async function gitopsUp(o: { readonly log: (line: string) => void; readonly timeoutMs: number }): Promise<GitopsUpReport> {
  const tools = gitopsTools()
  const alive = listProcesses(gitopsProcessesFile).filter(isRunning)
  if (alive.length > 0) throw new FleetError(`a GitOps control plane is already running (${alive.map((p) => p.name).join(', ')}): stop it with \`pnpm fleet gitops down\``, { exitCode: 2 })
  const started = Date.now()
  rmSync(gitopsDir, { recursive: true, force: true })
  mkdirSync(gitopsPaths.applied, { recursive: true })
  try {
    const plane: ControlPlane = await startControlPlane(tools, o.log)
    await installArgoCd(tools, plane.management)
    const repository = await serveCurrentCommit(tools.git)
    o.log(`serving commit ${repository.commit.slice(0, 12)} as ${TARGET_REVISION} from ${repository.url}`)
    const inputs = await clusterInputs()
    o.log(`cluster Secrets: writer ${inputs.writer}; annotations from ${inputs.source}`)
    const appObjects = gitopsObjects(repository, TARGET_REVISION)
    const secrets = clusterSecrets(plane, inputs)
    writeFileSync(join(gitopsPaths.applied, 'pos-fleet.yaml'), appObjects.map((x) => stringify(x)).join('---\n'))
    await applyObjects(plane.management, secrets)
    await startArgoCd(tools, plane.management)
    o.log('Argo CD repo-server, application-controller and applicationset-controller running')
    const applied = Date.now()
    await applyObjects(plane.management, appObjects)
    const expected = await expectedApplications(plane.management, appObjects.filter((x) => x.kind === 'ApplicationSet'), gitopsPaths.applied)
    o.log(`waiting for ${expected.join(', ')} to be Synced and Healthy`)
    const states = await waitForSettled(plane.management, expected, o.timeoutMs)
    const now = Date.now()
    return { commit: repository.commit, inputs, states, startupMs: now - started, syncMs: now - applied }
  } catch (error) {
    // Logs stay for the diagnosis; `gitops down` removes them.
    await stopProcesses().catch(() => undefined)
    throw error
  }
}

/**
 * Every recorded process, apiservers and the rest before etcd (an apiserver whose etcd is gone
 * ignores SIGTERM); then checks their ports are free.
 */
async function stopProcesses(): Promise<void> {
  await stopAll(10_000, { registry: gitopsProcessesFile, only: (p) => p.name !== 'etcd' })
  await stopAll(10_000, { registry: gitopsProcessesFile })
}

/** Stops everything `gitops up` started and removes its state, kubeconfig and logs. */
export async function gitopsDown(): Promise<{ readonly stopped: number }> {
  const stopped = listProcesses(gitopsProcessesFile).filter(isRunning).length
  await stopProcesses()
  rmSync(gitopsDir, { recursive: true, force: true })
  return { stopped }
}
