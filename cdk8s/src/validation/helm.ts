/** helm lint / helm template through the helm binary scripts/bootstrap.sh installs. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import type { K8sObject } from './kubernetes-schemas.js'

export const KUBE_VERSION = '1.28.0'

export interface HelmResult {
  readonly ok: boolean
  readonly stdout: string
  readonly stderr: string
}

export interface HelmRun {
  readonly helm: string
  readonly chart: string
}

function withValuesFile<T>(values: unknown, work: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pos-fleet-helm-'))
  try {
    const file = join(dir, 'values.json')
    writeFileSync(file, JSON.stringify(values))
    return work(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function run(helm: string, args: string[]): HelmResult {
  const result = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.error) throw result.error
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr }
}

export function helmLint(h: HelmRun, values: unknown): HelmResult {
  return withValuesFile(values, (file) => run(h.helm, ['lint', '--strict', h.chart, '-f', file, '--kube-version', KUBE_VERSION]))
}

export function helmTemplate(h: HelmRun, release: string, values: unknown, namespace = 'pos-fleet'): HelmResult {
  return withValuesFile(values, (file) =>
    run(h.helm, ['template', release, h.chart, '-f', file, '--namespace', namespace, '--kube-version', KUBE_VERSION]),
  )
}

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`)
      return doc.toJS() as K8sObject | null
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object')
}

/** helm template that must succeed; returns its objects. */
export function renderChart(h: HelmRun, release: string, values: unknown, namespace?: string): K8sObject[] {
  const result = helmTemplate(h, release, values, namespace)
  if (!result.ok) throw new Error(`helm template failed:\n${result.stderr}`)
  return parseObjects(result.stdout)
}
