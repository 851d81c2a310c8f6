/**
 * The clusters of `fleet gitops up`, all on 127.0.0.1: one etcd (Debian) holding every cluster
 * under its own prefix, a management kube-apiserver for Argo CD, and per region a kube-apiserver
 * with kube-controller-manager, kube-scheduler and one kwok fake Node — so Deployments get pods
 * that turn Ready, Jobs complete and HPAs find their scale target: real status, real health.
 * Pods run nothing (kwok fakes their status), and their IPs come from 127.64.0.0/16.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { type RegionId, REGION_IDS } from '@pos-fleet/topology'
import { GITOPS_PORTS, clusterName, regionalClusterPorts } from '@pos-fleet/topology/gitops'
import { type RunningProcess, retryUntil, startProcess, untilReady, waitForHttp } from '../infra/processes.js'
import { type Cluster, applyObjects, kubectl } from './kubectl.js'
import { gitopsLog, gitopsPaths, gitopsProcessesFile, kubeconfigFile } from './paths.js'
import type { GitopsTools } from './tools.js'

const LOOPBACK = '127.0.0.1'
const READY_TIMEOUT_MS = 60_000

export type ClusterName = 'management' | RegionId

export interface ControlPlane {
  /** The one admin token every apiserver accepts (group system:masters). */
  readonly token: string
  readonly management: Cluster
  readonly regions: Readonly<Record<RegionId, Cluster & { readonly server: string }>>
}

function start(name: string, command: string, args: readonly string[], ports: readonly number[], env?: NodeJS.ProcessEnv): Promise<RunningProcess> {
  return startProcess({ name, command, args, ports, registry: gitopsProcessesFile, log: gitopsLog(name), ...(env ? { env } : {}) })
}

function apiserverUrl(port: number): string {
  return `https://${LOOPBACK}:${port}`
}

function writeKubeconfig(path: string, token: string, contexts: readonly { readonly name: string; readonly server: string }[]): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    // Each apiserver serves a self-signed certificate it generated itself (--cert-dir).
    clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server, 'insecure-skip-tls-verify': true } })),
    users: [{ name: 'admin', user: { token } }],
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: 'admin' } })),
    'current-context': contexts[0]?.name,
  }
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
}

function prepareCredentials(): string {
  const token = randomBytes(16).toString('hex')
  writeFileSync(gitopsPaths.tokens, `${token},admin,admin,system:masters\n`, { mode: 0o600 })
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  writeFileSync(gitopsPaths.serviceAccountKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 })
  writeFileSync(gitopsPaths.serviceAccountPub, publicKey.export({ type: 'spki', format: 'pem' }))
  return token
}

async function startEtcd(tools: GitopsTools): Promise<void> {
  const client = `http://${LOOPBACK}:${GITOPS_PORTS.etcdClient}`
  const peer = `http://${LOOPBACK}:${GITOPS_PORTS.etcdPeer}`
  const proc = await start(
    'etcd',
    tools.etcd,
    [
      '--name', 'gitops', '--data-dir', gitopsPaths.etcdData,
      '--listen-client-urls', client, '--advertise-client-urls', client,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `gitops=${peer}`,
      // Throwaway state: fsync buys nothing here and costs the apiservers seconds per write burst.
      '--unsafe-no-fsync', '--quota-backend-bytes', String(2 * 1024 ** 3),
    ],
    [GITOPS_PORTS.etcdClient, GITOPS_PORTS.etcdPeer],
  )
  await untilReady(proc, (signal) => waitForHttp(`${client}/health`, READY_TIMEOUT_MS, signal))
}

async function startApiserver(tools: GitopsTools, name: ClusterName, port: number, cluster: Cluster): Promise<void> {
  const paths = gitopsPaths.cluster(name)
  mkdirSync(paths.certs, { recursive: true })
  const proc = await start(
    `kube-apiserver-${name}`,
    tools.kubeApiserver,
    [
      '--etcd-servers', `http://${LOOPBACK}:${GITOPS_PORTS.etcdClient}`,
      // One etcd, one keyspace per cluster.
      '--etcd-prefix', `/${name}`,
      '--bind-address', LOOPBACK, '--advertise-address', LOOPBACK, '--secure-port', String(port),
      '--cert-dir', paths.certs, '--token-auth-file', gitopsPaths.tokens, '--authorization-mode', 'RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', gitopsPaths.serviceAccountPub, '--service-account-signing-key-file', gitopsPaths.serviceAccountKey,
      // Allocated to Services, never dialled: nothing here sends traffic to it.
      '--service-cluster-ip-range', '10.0.0.0/24',
      // No token controller issues ServiceAccount tokens to pods that never run.
      '--disable-admission-plugins', 'ServiceAccount',
      '--profiling=false',
    ],
    [port],
  )
  await untilReady(proc, () => retryUntil(`the ${name} apiserver to be ready`, READY_TIMEOUT_MS, () => kubectl(cluster, ['get', '--raw', '/readyz']), { intervalMs: 200 }))
}

/** kube-controller-manager, kube-scheduler and kwok with one fake Node, in one regional cluster. */
async function startNodeComponents(tools: GitopsTools, region: RegionId, cluster: Cluster): Promise<void> {
  const ports = regionalClusterPorts(region)
  const kubeconfig = ['--kubeconfig', cluster.kubeconfig, '--authentication-kubeconfig', cluster.kubeconfig, '--authorization-kubeconfig', cluster.kubeconfig]
  await start(
    `kube-controller-manager-${region}`,
    tools.kubeControllerManager,
    [
      ...kubeconfig, '--leader-elect=false', '--bind-address', LOOPBACK, '--secure-port', String(ports.controllerManager),
      '--use-service-account-credentials=false', '--service-account-private-key-file', gitopsPaths.serviceAccountKey, '--cluster-name', region,
    ],
    [ports.controllerManager],
  )
  await start(`kube-scheduler-${region}`, tools.kubeScheduler, [...kubeconfig, '--leader-elect=false', '--bind-address', LOOPBACK, '--secure-port', String(ports.scheduler)], [ports.scheduler])
  await start(
    `kwok-${region}`,
    tools.kwok,
    ['--kubeconfig', cluster.kubeconfig, '-c', tools.kwokStages, '--manage-all-nodes=true', '--node-lease-duration-seconds', '40', '--cidr', '127.64.0.0/16', '--node-ip', LOOPBACK],
    [],
  )
  const node = `kwok-${region}-0`
  const capacity = { cpu: '32', memory: '256Gi', pods: '110' }
  await applyObjects(cluster, [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: node, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': node, 'topology.kubernetes.io/zone': `${region}-a`, type: 'kwok' } },
      status: { allocatable: capacity, capacity },
    },
  ])
  await kubectl(cluster, ['wait', '--for=condition=Ready', `node/${node}`, `--timeout=${READY_TIMEOUT_MS / 1000}s`])
}

/** Starts everything, writes the kubeconfigs; the regional clusters come up side by side. */
export async function startControlPlane(tools: GitopsTools, log: (line: string) => void): Promise<ControlPlane> {
  const token = prepareCredentials()
  const entry = (name: ClusterName, port: number) => {
    const server = apiserverUrl(port)
    const kubeconfig = gitopsPaths.cluster(name).kubeconfig
    mkdirSync(gitopsPaths.cluster(name).certs, { recursive: true })
    writeKubeconfig(kubeconfig, token, [{ name, server }])
    return { name, kubeconfig, server }
  }
  const management = entry('management', GITOPS_PORTS.managementApiserver)
  const regions = Object.fromEntries(REGION_IDS.map((r) => [r, entry(r, regionalClusterPorts(r).apiserver)])) as ControlPlane['regions']
  writeKubeconfig(kubeconfigFile, token, [
    { name: 'management', server: management.server },
    ...REGION_IDS.map((r) => ({ name: clusterName(r), server: regions[r].server })),
  ])

  await startEtcd(tools)
  await startApiserver(tools, 'management', GITOPS_PORTS.managementApiserver, management)
  log(`management apiserver ready on ${management.server}`)
  // allSettled: on a failure, nothing may still be starting when the caller stops what was recorded.
  const started = await Promise.allSettled(
    REGION_IDS.map(async (r) => {
      await startApiserver(tools, r, regionalClusterPorts(r).apiserver, regions[r])
      await startNodeComponents(tools, r, regions[r])
      log(`${r}: apiserver ${regions[r].server}, controller-manager, scheduler, kwok node ready`)
    }),
  )
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
  return { token, management, regions }
}
