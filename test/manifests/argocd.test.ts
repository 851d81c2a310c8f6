import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REGION_IDS, type RegionId, roleOf, topology } from '@pos-fleet/topology'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../cdk8s/src/app.js'
import { ExampleClustersChart } from '../../cdk8s/src/charts/example-clusters-chart.js'
import { APPSETS, GitOpsChart } from '../../cdk8s/src/charts/gitops-chart.js'
import { ANNOTATIONS, LABELS, clusterName } from '../../cdk8s/src/conventions.js'
import { argocdDir } from '../../cdk8s/src/paths.js'
import { Testing } from '../../cdk8s/src/testing.js'
import { parseObjects, renderChart } from '../../cdk8s/src/validation/helm.js'
import { type K8sObject, validateObject } from '../../cdk8s/src/validation/kubernetes-schemas.js'
import { type ClusterSecret, type GeneratedApplication, generateApplications, renderApplicationSets } from './support/appset-render.js'
import { assertHelmInstalled, helm } from './support/chart.js'

const committed = (file: string) => parseObjects(readFileSync(join(argocdDir, file), 'utf8'))
const gitops = () => committed('pos-fleet.yaml')
const appSet = (name: string) => gitops().find((o) => o.kind === 'ApplicationSet' && o.metadata.name === name) as K8sObject
const exampleSecrets = () => committed('example-clusters.yaml') as ClusterSecret[]

/** The example cluster Secrets with the writer label moved to `writer`. */
function withWriter(writer: RegionId): ClusterSecret[] {
  return exampleSecrets().map((s) => {
    const region = s.metadata.labels?.[LABELS.region] as RegionId
    return { ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, [LABELS.role]: roleOf(region, writer) } } }
  })
}

function applicationsFor(secrets: ClusterSecret[]): GeneratedApplication[] {
  return generateApplications([appSet(APPSETS.regional), appSet(APPSETS.writer)], secrets)
}

/** The example cluster Secrets with `change` applied to the one of `region`. */
function withSecret(region: RegionId, change: (s: ClusterSecret) => ClusterSecret): ClusterSecret[] {
  return exampleSecrets().map((s) => (s.metadata.labels?.[LABELS.region] === region ? change(structuredClone(s)) : s))
}

/** helm template of an Application's chart with its valuesObject, as Argo CD's repo server would. */
function renderApplication(app: GeneratedApplication): K8sObject[] {
  const { helm: source } = app.spec.source
  return renderChart(helm, source.releaseName, source.valuesObject, app.spec.destination.namespace)
}

describe('argocd/ — synthesized by the cdk8s app', () => {
  let outdir: string
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'pos-fleet-synth-'))
    buildApp(outdir).synth()
  })
  afterAll(() => rmSync(outdir, { recursive: true, force: true }))

  it('is committed exactly as a fresh synth produces it (run `pnpm --filter @pos-fleet/cdk8s synth`)', () => {
    const fresh = readdirSync(outdir).sort()
    expect(readdirSync(argocdDir).filter((f) => f.endsWith('.yaml')).sort()).toEqual(fresh)
    for (const file of fresh) expect(readFileSync(join(argocdDir, file), 'utf8'), file).toBe(readFileSync(join(outdir, file), 'utf8'))
  })

  it('synthesizes the same objects through Testing.synth', () => {
    const app = Testing.app()
    expect(Testing.synth(new GitOpsChart(app, 'gitops'))).toEqual(gitops())
    expect(Testing.synth(new ExampleClustersChart(app, 'clusters'))).toEqual(exampleSecrets())
  })

  it('matches the Argo CD and Kubernetes schemas, object by object', () => {
    const objects = [...gitops(), ...exampleSecrets()]
    expect(objects.map((o) => o.kind).sort()).toEqual(['AppProject', 'ApplicationSet', 'ApplicationSet', 'Secret', 'Secret', 'Secret'])
    for (const o of objects) validateObject(o)
  })

  it('restricts the AppProject to the one repository and the fleet namespace on pos-* clusters', () => {
    const project = gitops().find((o) => o.kind === 'AppProject') as any
    expect(project.spec.sourceRepos).toHaveLength(1)
    expect(project.spec.destinations).toEqual([{ name: 'pos-*', namespace: 'pos-fleet' }])
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }])
  })

  it.each([APPSETS.regional, APPSETS.writer])('%s uses goTemplate with missingkey=error and automated sync with prune and selfHeal', (name) => {
    const spec = appSet(name).spec as any
    expect(spec.goTemplate).toBe(true)
    expect(spec.goTemplateOptions).toEqual(['missingkey=error'])
    expect(spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true })
    expect(spec.template.spec.project).toBe('pos-fleet')
    expect(spec.template.spec.source.helm.valuesObject.image.tag).not.toBe('latest')
  })

  it('has an example cluster Secret per topology region, labelled with its role, and no credentials', () => {
    const secrets = exampleSecrets()
    expect(secrets.map((s) => s.metadata.labels?.[LABELS.region]).sort()).toEqual([...REGION_IDS].sort())
    for (const s of secrets) {
      const region = s.metadata.labels?.[LABELS.region] as RegionId
      expect(s.metadata.labels?.[LABELS.role]).toBe(roleOf(region))
      expect(s.metadata.labels?.['argocd.argoproj.io/secret-type']).toBe('cluster')
      expect(s.stringData?.name).toBe(clusterName(region))
      expect(s.data).toBeUndefined()
      const config = JSON.parse(s.stringData?.config ?? '{}')
      expect(Object.keys(config)).toEqual(['tlsClientConfig'])
      expect(config.tlsClientConfig).toEqual({ insecure: false })
      expect(JSON.stringify(s)).not.toMatch(/bearerToken|password|keyData|certData|awsAuthConfig|execProviderConfig/i)
    }
  })
})

describe('argocd/ — the Applications the ApplicationSets yield (rendered by Argo CD\'s own generator and template code)', () => {
  beforeAll(() => assertHelmInstalled())

  it('yields storefront + inventory-delta for every cluster and the writer slice for the writer cluster only', () => {
    const apps = applicationsFor(exampleSecrets())
    expect(apps.map((a) => `${a.metadata.name} -> ${a.spec.destination.name}`).sort()).toEqual(
      [...REGION_IDS.map((r) => `pos-fleet-regional-${r} -> pos-${r}`), `pos-fleet-writer-${topology.writer} -> pos-${topology.writer}`].sort(),
    )
    for (const app of apps) {
      validateObject(app as unknown as K8sObject)
      expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io'])
      expect(JSON.stringify(app)).not.toMatch(/\{\{|<no value>/)
    }
  })

  it('puts payments-worker and the migrations only on the writer cluster, with the cluster’s own endpoints', () => {
    const apps = applicationsFor(exampleSecrets())
    for (const app of apps) {
      const objects = renderApplication(app)
      for (const o of objects) validateObject(o)
      const region = app.spec.source.helm.valuesObject.region as RegionId
      const names = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => o.metadata.name).sort()
      if (app.metadata.name.startsWith(APPSETS.writer)) {
        expect(region).toBe(topology.writer)
        expect(names).toEqual(['payments-worker', 'pos-fleet-migrate'])
      } else expect(names).toEqual(['inventory-delta', 'storefront'])
      const values = app.spec.source.helm.valuesObject
      expect(values.database.readEndpoint).toBe(`pos-db-local.${region}.example.internal:3306`)
      expect(values.role).toBe(roleOf(region))
    }
  })

  it.each(REGION_IDS.filter((r) => r !== topology.writer))('moves payments-worker to %s when the writer label moves there', (newWriter) => {
    const apps = applicationsFor(withWriter(newWriter))
    const writerApps = apps.filter((a) => a.metadata.name.startsWith(APPSETS.writer))
    expect(writerApps.map((a) => a.spec.destination.name)).toEqual([clusterName(newWriter)])
    // The old writer's Application is gone, so its finalizer prunes the old worker.
    expect(apps.some((a) => a.metadata.name === `${APPSETS.writer}-${topology.writer}`)).toBe(false)
    const workers = apps.flatMap((a) => renderApplication(a).filter((o) => o.kind === 'Deployment' && o.metadata.name === 'payments-worker').map(() => a.spec.destination.name))
    expect(workers).toEqual([clusterName(newWriter)])
    const regional = apps.find((a) => a.metadata.name === `${APPSETS.regional}-${newWriter}`)
    expect(regional?.spec.source.helm.valuesObject.role).toBe('writer')
  })

  it('yields no writer Application while no cluster carries the writer label', () => {
    const secrets = exampleSecrets().map((s) => ({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, [LABELS.role]: 'reader' } } }))
    expect(generateApplications([appSet(APPSETS.writer)], secrets)).toEqual([])
    expect(generateApplications([appSet(APPSETS.regional)], secrets)).toHaveLength(REGION_IDS.length)
  })

  it('ignores Secrets that are not Argo CD clusters or lack the region label', () => {
    const [first] = exampleSecrets()
    if (!first) throw new Error('no example cluster')
    const notCluster = { ...first, metadata: { ...first.metadata, labels: { ...first.metadata.labels, 'argocd.argoproj.io/secret-type': 'repository' } } }
    const { [LABELS.region]: _region, ...noRegionLabels } = first.metadata.labels ?? {}
    // Its own name: two Secrets cannot share one in a namespace.
    const noRegion = { ...first, metadata: { ...first.metadata, name: `${first.metadata.name}-no-region`, labels: noRegionLabels } }
    expect(applicationsFor([notCluster, noRegion])).toEqual([])
  })

  it.each(Object.values(ANNOTATIONS))('fails, naming the cluster, when a cluster Secret lacks the annotation %s or leaves it empty', (key) => {
    for (const value of [undefined, '']) {
      const secrets = withSecret('eu-central-1', (s) => {
        const { [key]: _dropped, ...rest } = s.metadata.annotations ?? {}
        s.metadata.annotations = value === undefined ? rest : { ...rest, [key]: value }
        return s
      })
      const result = renderApplicationSets([appSet(APPSETS.regional), appSet(APPSETS.writer)], secrets)
      // Only the writer slice reads the payment gateway; the writer is not eu-central-1.
      if (key === ANNOTATIONS.paymentGatewayUrl) expect(result.ok).toBe(true)
      else expect(result).toMatchObject({ ok: false, error: expect.stringContaining(`cluster ${clusterName('eu-central-1')}: required annotation ${key} is missing or empty`) })
    }
  })

  it('fails when the writer cluster lacks the payment gateway annotation, and when a cluster has no role label', () => {
    const noGateway = withSecret(topology.writer, (s) => {
      delete s.metadata.annotations?.[ANNOTATIONS.paymentGatewayUrl]
      return s
    })
    expect(renderApplicationSets([appSet(APPSETS.writer)], noGateway)).toMatchObject({ ok: false, error: expect.stringContaining(`required annotation ${ANNOTATIONS.paymentGatewayUrl}`) })
    const noRole = withSecret('us-east-1', (s) => {
      delete s.metadata.labels?.[LABELS.role]
      return s
    })
    expect(renderApplicationSets([appSet(APPSETS.regional)], noRole)).toMatchObject({ ok: false, error: expect.stringContaining(`cluster ${clusterName('us-east-1')}: required label ${LABELS.role}`) })
  })
})
