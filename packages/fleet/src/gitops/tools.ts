/**
 * The binaries `fleet gitops` runs, as scripts/bootstrap.sh installs them under .cache, keyed by
 * the versions the committed tool modules (tools/kube, tools/argocd) require — read from their
 * go.mod here too, so a version bump is one edit.
 */
import { accessSync, constants, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { FleetError } from '../errors.js'
import { binDir, cacheDir, findExecutable, repoRoot } from '../infra/paths.js'

/** The version scripts/bootstrap.sh installs (KWOK_VERSION there; a unit test keeps the two equal). */
export const KWOK_VERSION = 'v0.8.0'

export function toolModuleVersion(tool: 'kube' | 'argocd', module: string): string {
  const goMod = readFileSync(join(repoRoot, 'tools', tool, 'go.mod'), 'utf8')
  for (const line of goMod.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (line.includes('=>')) continue
    if (fields[0] === module) return fields[1] as string
    if (fields[0] === 'require' && fields[1] === module) return fields[2] as string
  }
  throw new Error(`tools/${tool}/go.mod requires no ${module}`)
}

export const KUBE_VERSION = toolModuleVersion('kube', 'k8s.io/kubernetes')
export const ARGOCD_VERSION = toolModuleVersion('argocd', 'github.com/argoproj/argo-cd/v3')

const kubeBin = join(cacheDir, 'kube', KUBE_VERSION, 'bin')
const argocdDir = join(cacheDir, 'argocd', ARGOCD_VERSION)
const kwokDir = join(cacheDir, 'kwok', KWOK_VERSION)

function installed(path: string): string {
  try {
    accessSync(path, constants.R_OK)
    return path
  } catch {
    throw new FleetError(`${path} is missing: run scripts/bootstrap.sh (it builds the GitOps tools into .cache)`, { exitCode: 2 })
  }
}

function system(name: string): string {
  const found = findExecutable(name)
  if (!found) throw new FleetError(`${name} is not installed: run scripts/bootstrap.sh`, { exitCode: 2 })
  return found
}

export interface GitopsTools {
  readonly kubeApiserver: string
  readonly kubeControllerManager: string
  readonly kubeScheduler: string
  readonly kubectl: string
  /** repo-server, application-controller and applicationset-controller, chosen by ARGOCD_BINARY_NAME. */
  readonly argocd: string
  readonly appsetRender: string
  readonly argocdCrds: readonly string[]
  readonly kwok: string
  readonly kwokStages: string
  readonly etcd: string
  readonly redis: string
  /** The repo server renders the chart with the helm on its PATH. */
  readonly helmDir: string
  readonly git: string
}

/** Every tool, or a FleetError (exit 2) naming the first one missing. */
export function gitopsTools(): GitopsTools {
  return {
    kubeApiserver: installed(join(kubeBin, 'kube-apiserver')),
    kubeControllerManager: installed(join(kubeBin, 'kube-controller-manager')),
    kubeScheduler: installed(join(kubeBin, 'kube-scheduler')),
    kubectl: kubectlBinary(),
    argocd: installed(join(argocdDir, 'bin', 'argocd-lite')),
    appsetRender: appsetRenderBinary(),
    argocdCrds: ['application', 'applicationset', 'appproject'].map((c) => installed(join(argocdDir, 'crds', `${c}-crd.yaml`))),
    kwok: installed(join(kwokDir, 'kwok')),
    kwokStages: installed(join(kwokDir, 'stages.yaml')),
    etcd: system('etcd'),
    redis: system('redis-server'),
    helmDir: dirname(installed(join(binDir, 'helm'))),
    git: system('git'),
  }
}

/** kubectl of the same Kubernetes release as the apiservers. */
export function kubectlBinary(): string {
  return installed(join(kubeBin, 'kubectl'))
}

/** Argo CD's ApplicationSet generators and templates on cluster Secrets (tools/argocd/cmd/appset-render). */
export function appsetRenderBinary(): string {
  return installed(join(argocdDir, 'bin', 'appset-render'))
}
