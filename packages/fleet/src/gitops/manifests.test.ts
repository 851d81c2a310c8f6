import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { CLUSTER_ANNOTATIONS, CLUSTER_LABELS } from '@pos-fleet/topology/gitops'
import { describe, expect, it } from 'vitest'
import type { ControlPlane } from './control-plane.js'
import type { Endpoints } from '../endpoints.js'
import { clusterSecrets, gitopsObjects, inputsFromEndpoints } from './manifests.js'
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

describe('the cluster Secret inputs from a running native fleet', () => {
  const endpoints = {
    writer: 'eu-central-1',
    paymentGateway: 'http://127.0.0.1:18990',
    regions: Object.fromEntries(
      REGION_IDS.map((r, i) => [r, { kafka: `127.0.0.1:${18092 + 100 * i}`, db: { read: `mysql://app:secret@127.0.0.1:${18006 + 100 * i}/pos`, write: `mysql://app:secret@127.0.0.1:${18007 + 100 * i}/pos` } }]),
    ),
  } as unknown as Endpoints

  it('take the fleet’s writer and its endpoints as host:port, never its credentials', () => {
    const inputs = inputsFromEndpoints(endpoints)
    expect(inputs.writer).toBe('eu-central-1')
    const annotations = inputs.annotations('us-east-1')
    expect(annotations).toMatchObject({
      [CLUSTER_ANNOTATIONS.dbReadEndpoint]: '127.0.0.1:18206',
      [CLUSTER_ANNOTATIONS.dbWriteEndpoint]: '127.0.0.1:18207',
      [CLUSTER_ANNOTATIONS.kafkaBrokers]: '127.0.0.1:18292',
      [CLUSTER_ANNOTATIONS.paymentGatewayUrl]: 'http://127.0.0.1:18990',
    })
    // Every annotation the ApplicationSets require is set (the OTel one from the committed example).
    expect(Object.keys(annotations).sort()).toEqual(Object.values(CLUSTER_ANNOTATIONS).sort())
    expect(JSON.stringify(annotations)).not.toContain('secret')
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
