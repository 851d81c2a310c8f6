import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { CLUSTER_ANNOTATIONS, CLUSTER_LABELS } from '@pos-fleet/topology/gitops'
import { describe, expect, it } from 'vitest'
import type { ControlPlane } from './control-plane.js'
import { clusterSecrets, gitopsObjects } from './manifests.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../infra/paths.js'
import { ARGOCD_VERSION, KUBE_VERSION, KWOK_VERSION } from './tools.js'

const plane = {
  token: 'tok',
  management: { name: 'management', kubeconfig: '/k/management' },
  regions: Object.fromEntries(REGION_IDS.map((r, i) => [r, { name: r, kubeconfig: `/k/${r}`, server: `https://127.0.0.1:${26444 + i}` }])),
} as ControlPlane

describe('the cluster Secrets gitops up registers', () => {
  const writer: RegionId = 'us-east-1'
  const secrets = clusterSecrets(plane, { writer, annotations: (r) => ({ [CLUSTER_ANNOTATIONS.kafkaBrokers]: `kafka.${r}:9092` }), source: 'test' })

  it('point each region at its own apiserver with the bearer token, TLS unverified (self-signed loopback certs)', () => {
    for (const s of secrets) {
      const region = s.metadata.labels?.[CLUSTER_LABELS.region] as RegionId
      const data = s.stringData as Record<string, string>
      expect(data.server).toBe(plane.regions[region].server)
      expect(JSON.parse(data.config as string)).toEqual({ bearerToken: 'tok', tlsClientConfig: { insecure: true } })
      expect(s.metadata.annotations).toEqual({ [CLUSTER_ANNOTATIONS.kafkaBrokers]: `kafka.${region}:9092` })
    }
  })

  it('label exactly the writer region writer', () => {
    expect(secrets.map((s) => [s.metadata.labels?.[CLUSTER_LABELS.region], s.metadata.labels?.[CLUSTER_LABELS.role]])).toEqual(REGION_IDS.map((r) => [r, r === writer ? 'writer' : 'reader']))
  })
})

describe('the Argo CD objects gitops up applies', () => {
  it('source every ApplicationSet and the AppProject from the served repository', () => {
    const objects = gitopsObjects({ url: 'file:///tmp/repo.git', commit: 'abc' }, 'main')
    const appSets = objects.filter((o) => o.kind === 'ApplicationSet') as any[]
    expect(appSets).toHaveLength(2)
    for (const a of appSets) expect(a.spec.template.spec.source).toMatchObject({ repoURL: 'file:///tmp/repo.git', targetRevision: 'main' })
    expect((objects.find((o) => o.kind === 'AppProject') as any).spec.sourceRepos).toEqual(['file:///tmp/repo.git'])
  })
})

it('reads the tool versions from the committed tool modules', () => {
  expect(KUBE_VERSION).toMatch(/^v1\.28\.\d+$/)
  expect(ARGOCD_VERSION).toMatch(/^v3\.\d+\.\d+$/)
  // kwok has no tool module: the bootstrap installs the version it names.
  expect(readFileSync(join(repoRoot, 'scripts/bootstrap.sh'), 'utf8')).toContain(`readonly KWOK_VERSION=${KWOK_VERSION}\n`)
})
