/** kubectl (the release the apiservers run) against one cluster of the GitOps control plane. */
import { execa } from 'execa'
import { kubectlBinary } from './tools.js'

export interface Cluster {
  /** For messages: `management` or the region. */
  readonly name: string
  readonly kubeconfig: string
}

export class KubectlError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message)
    this.name = 'KubectlError'
  }
}

/** Runs kubectl; its stdout, or a KubectlError carrying kubectl's own message. */
export async function kubectl(cluster: Cluster, args: readonly string[], input?: string): Promise<string> {
  const result = await execa(kubectlBinary(), ['--kubeconfig', cluster.kubeconfig, ...args], { reject: false, ...(input === undefined ? {} : { input }) })
  if (result.exitCode !== 0) {
    const stderr = result.stderr.trim()
    throw new KubectlError(`kubectl ${args.join(' ')} (${cluster.name}): ${stderr || result.shortMessage}`, stderr)
  }
  return result.stdout
}

export async function getJson<T>(cluster: Cluster, args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectl(cluster, ['get', ...args, '-o', 'json'])) as T
}

/** Objects applied server-side (the ApplicationSet CRD is too big for a client-side apply's annotation). */
export async function applyObjects(cluster: Cluster, objects: readonly object[], options: { readonly dryRun?: boolean } = {}): Promise<string> {
  const list = { apiVersion: 'v1', kind: 'List', items: objects }
  return kubectl(cluster, ['apply', '--server-side', '--force-conflicts', '--field-manager', 'pos-fleet', ...(options.dryRun ? ['--dry-run=server'] : []), '-f', '-'], JSON.stringify(list))
}

export async function applyFiles(cluster: Cluster, files: readonly string[]): Promise<string> {
  return kubectl(cluster, ['apply', '--server-side', '--force-conflicts', '--field-manager', 'pos-fleet', ...files.flatMap((f) => ['-f', f])])
}
