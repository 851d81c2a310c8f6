/**
 * `kubectl apply --server-side --dry-run=server` of every committed, generated and rendered object
 * against the real kube-apiserver 1.28 (the chart's kubeVersion, ACK's oldest line) — the
 * management one with Argo CD's CRDs for the Argo objects, a regional one for the chart — with
 * the server's strict field validation: what an apiserver would accept, not a schema's guess.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { topology } from '@pos-fleet/topology'
import { describe, expect, it } from 'vitest'
import { argocdDir } from '../../cdk8s/src/paths.js'
import { parseObjects, renderChart } from '../../cdk8s/src/validation/helm.js'
import { applyObjects } from '../../packages/fleet/src/gitops/kubectl.js'
import { type ClusterSecret, generateApplications } from '../manifests/support/appset-render.js'
import { helm } from '../manifests/support/chart.js'
import { management, regional } from '../support/gitops.js'

const committed = (file: string) => parseObjects(readFileSync(join(argocdDir, file), 'utf8'))
const appSets = () => committed('pos-fleet.yaml').filter((o) => o.kind === 'ApplicationSet')
const applications = () => generateApplications(appSets(), committed('example-clusters.yaml') as ClusterSecret[])

describe('server-side dry run against kube-apiserver 1.28', () => {
  it('accepts argocd/ as committed: the AppProject, both ApplicationSets and the example cluster Secrets', async () => {
    const objects = [...committed('pos-fleet.yaml'), ...committed('example-clusters.yaml')]
    const out = await applyObjects(management, objects, { dryRun: true })
    expect(out.split('\n').filter((l) => l.endsWith('(server dry run)'))).toHaveLength(objects.length)
  })

  it('accepts the Applications Argo CD generates for the example clusters', async () => {
    const apps = applications()
    expect(apps).toHaveLength(4)
    await applyObjects(management, apps, { dryRun: true })
  })

  it('accepts every object the chart renders for each generated Application', async () => {
    for (const app of applications()) {
      const { releaseName, valuesObject } = app.spec.source.helm
      const objects = renderChart(helm, releaseName, valuesObject, app.spec.destination.namespace)
      const out = await applyObjects(regional(valuesObject.region), objects, { dryRun: true })
      expect(out.split('\n').filter((l) => l.endsWith('(server dry run)')), app.metadata.name).toHaveLength(objects.length)
    }
  })

  it('rejects a misspelled field, so the checks above can fail', async () => {
    const [appSet] = appSets()
    const { goTemplate, ...spec } = appSet?.spec as Record<string, unknown>
    const misspelled = { ...appSet, spec: { ...spec, goTemplat: goTemplate } }
    // kubectl checks against the schema the apiserver publishes (its CRDs included) before sending.
    await expect(applyObjects(management, [misspelled], { dryRun: true })).rejects.toThrow(/unknown field "(spec\.)?goTemplat"/)
    const writer = applications().find((a) => a.metadata.name === `pos-fleet-writer-${topology.writer}`)
    const objects = renderChart(helm, 'r', writer?.spec.source.helm.valuesObject)
    const deployment = objects.find((o) => o.kind === 'Deployment') as any
    deployment.spec.template.spec.containers[0].imagePullPolicyy = 'Always'
    await expect(applyObjects(regional(topology.writer), [deployment], { dryRun: true })).rejects.toThrow(/unknown field "(spec\.template\.spec\.containers\[0\]\.)?imagePullPolicyy"/)
  })
})
