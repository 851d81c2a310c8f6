/**
 * Argo CD on the management cluster: its CRDs and settings, redis (Debian) as its cache, and the
 * three components a GitOps sync needs — repo-server, application-controller and
 * applicationset-controller — from one binary built from Argo CD's own packages
 * (tools/argocd/cmd/argocd-lite). They run outside the cluster with ARGOCD_FAKE_IN_CLUSTER, so
 * the management kubeconfig stands in for the in-cluster config; no API server, UI or Dex.
 */
import { mkdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { GITOPS_NAMESPACES, GITOPS_PORTS } from '@pos-fleet/topology/gitops'
import { retryUntil, startProcess, untilReady, waitForHttp, waitForTcp } from '../infra/processes.js'
import { type Cluster, applyFiles, applyObjects, kubectl } from './kubectl.js'
import { gitopsLog, gitopsPaths, gitopsProcessesFile } from './paths.js'
import type { GitopsTools } from './tools.js'

const LOOPBACK = '127.0.0.1'
const namespace = GITOPS_NAMESPACES.argocd
const partOf = { 'app.kubernetes.io/part-of': 'argocd' }

/** The CRDs, the namespace and the settings Argo CD reads at start: no health overrides, default everything else. */
export async function installArgoCd(tools: GitopsTools, management: Cluster): Promise<void> {
  await applyFiles(management, tools.argocdCrds)
  // kubectl 1.28 gives up on a CRD that has no status yet, so ask again until all have one.
  await retryUntil('Argo CD\'s CRDs to be established', 60_000, () => kubectl(management, ['wait', '--for', 'condition=established', 'crd', '--all', '--timeout=30s']), { intervalMs: 500 })
  await applyObjects(management, [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    // Polling of Git: the local repository changes only when `gitops up` pushes to it.
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace, labels: partOf }, data: { 'timeout.reconciliation': '15s' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argocd-secret', namespace, labels: partOf }, stringData: { 'server.secretkey': 'pos-fleet-gitops-local' } },
  ])
}

export async function startArgoCd(tools: GitopsTools, management: Cluster): Promise<void> {
  const home = gitopsPaths.argocdHome
  for (const dir of ['tls', 'ssh', 'gpg', 'home']) mkdirSync(join(home, dir), { recursive: true })
  const redis = await startProcess({
    name: 'redis',
    command: tools.redis,
    args: ['--bind', LOOPBACK, '--port', String(GITOPS_PORTS.redis), '--save', '', '--appendonly', 'no'],
    ports: [GITOPS_PORTS.redis],
    registry: gitopsProcessesFile,
    log: gitopsLog('redis'),
  })
  await untilReady(redis, (signal) => waitForTcp(GITOPS_PORTS.redis, 10_000, signal))

  const env = {
    ...process.env,
    ARGOCD_FAKE_IN_CLUSTER: 'true',
    KUBECONFIG: management.kubeconfig,
    ARGOCD_TLS_DATA_PATH: join(home, 'tls'),
    ARGOCD_SSH_DATA_PATH: join(home, 'ssh'),
    ARGOCD_GPG_ENABLED: 'false',
    ARGOCD_GNUPGHOME: join(home, 'gpg'),
    HOME: join(home, 'home'),
    PATH: `${tools.helmDir}${delimiter}${process.env.PATH ?? ''}`,
  }
  const redisAddress = `${LOOPBACK}:${GITOPS_PORTS.redis}`
  const repoServer = `${LOOPBACK}:${GITOPS_PORTS.repoServer}`
  const component = (name: string, args: readonly string[], ports: readonly number[]) =>
    startProcess({ name, command: tools.argocd, args, ports, env: { ...env, ARGOCD_BINARY_NAME: name }, registry: gitopsProcessesFile, log: gitopsLog(name) })

  const repo = await component(
    'argocd-repo-server',
    ['--address', LOOPBACK, '--port', String(GITOPS_PORTS.repoServer), '--metrics-address', LOOPBACK, '--metrics-port', String(GITOPS_PORTS.repoServerMetrics), '--disable-tls', '--redis', redisAddress],
    [GITOPS_PORTS.repoServer, GITOPS_PORTS.repoServerMetrics],
  )
  await untilReady(repo, (signal) => waitForTcp(GITOPS_PORTS.repoServer, 60_000, signal))
  const controller = await component(
    'argocd-application-controller',
    [
      '--namespace', namespace, '--redis', redisAddress, '--repo-server', repoServer, '--repo-server-plaintext',
      '--metrics-port', String(GITOPS_PORTS.applicationControllerMetrics),
      // Not started (no commit server); the flag only names where hydration would go.
      '--commit-server', `${LOOPBACK}:1`,
      '--status-processors', '4', '--operation-processors', '4', '--app-resync', '30',
    ],
    [GITOPS_PORTS.applicationControllerMetrics],
  )
  const appsets = await component(
    'argocd-applicationset-controller',
    [
      '--namespace', namespace, '--argocd-repo-server', repoServer, '--repo-server-plaintext',
      '--metrics-addr', `${LOOPBACK}:${GITOPS_PORTS.applicationSetMetrics}`, '--probe-addr', `${LOOPBACK}:${GITOPS_PORTS.applicationSetProbe}`,
      '--webhook-addr', `${LOOPBACK}:${GITOPS_PORTS.applicationSetWebhook}`,
    ],
    [GITOPS_PORTS.applicationSetMetrics, GITOPS_PORTS.applicationSetProbe, GITOPS_PORTS.applicationSetWebhook],
  )
  await untilReady(controller, (signal) => waitForTcp(GITOPS_PORTS.applicationControllerMetrics, 60_000, signal))
  // Its probe port registers no check (404 always); the metrics endpoint answers once the manager runs.
  await untilReady(appsets, (signal) => waitForHttp(`http://${LOOPBACK}:${GITOPS_PORTS.applicationSetMetrics}/metrics`, 60_000, signal))
}
