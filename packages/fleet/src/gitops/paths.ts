import { join } from 'node:path'
import type { RegionId } from '@pos-fleet/topology'
import { stateDir } from '../infra/paths.js'

/** Runtime state of `fleet gitops`: wiped by every `gitops up`, removed by `gitops down`. */
export const gitopsDir = join(stateDir, 'gitops')
/** Contexts `management` and `pos-<region>`, for people and tests. */
export const kubeconfigFile = join(gitopsDir, 'kubeconfig')
/** The GitOps processes' own registry: the native fleet's guard must not count them. */
export const gitopsProcessesFile = join(gitopsDir, 'processes.json')
export const gitopsLogsDir = join(gitopsDir, 'logs')

export const gitopsPaths = {
  etcdData: join(gitopsDir, 'etcd'),
  tokens: join(gitopsDir, 'tokens.csv'),
  serviceAccountKey: join(gitopsDir, 'sa.key'),
  serviceAccountPub: join(gitopsDir, 'sa.pub'),
  /** The bare repository Argo CD's repo server clones from (file://). */
  gitRepository: join(gitopsDir, 'git', 'pos-fleet.git'),
  argocdHome: join(gitopsDir, 'argocd'),
  /** The ApplicationSets and cluster Secrets as applied (repoURL, servers and endpoints filled in). */
  applied: join(gitopsDir, 'applied'),
  /** The management cluster (Argo CD) and each regional cluster: its certs and its single-context kubeconfig. */
  cluster: (name: 'management' | RegionId) => ({
    certs: join(gitopsDir, 'clusters', name, 'certs'),
    kubeconfig: join(gitopsDir, 'clusters', name, 'kubeconfig'),
  }),
}

export function gitopsLog(name: string): string {
  return join(gitopsLogsDir, `${name}.log`)
}
