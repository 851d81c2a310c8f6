/**
 * Real Argo CD (repo-server, application-controller, applicationset-controller v3.2) syncing the
 * committed argocd/ into three kube-apiservers 1.28 with controller-manager, scheduler and a kwok
 * node each — started by `fleet gitops up` in the global setup. Tests run in file order; each
 * leaves the clusters as it found them.
 */
import { REGION_IDS, type RegionId, topology } from '@pos-fleet/topology'
import { CLUSTER_ANNOTATIONS, CLUSTER_LABELS, GITOPS_NAMESPACES, clusterName } from '@pos-fleet/topology/gitops'
import { describe, expect, it } from 'vitest'
import { applicationSetErrors, applicationStates, eventually, fleetCli, getJson, kubectl, management, regional, writerWorkloads } from '../support/gitops.js'

const argocd = ['-n', GITOPS_NAMESPACES.argocd]
const fleetNs = ['-n', GITOPS_NAMESPACES.fleet]
const expectedApps = (writer: RegionId) => [...REGION_IDS.map((r) => `pos-fleet-regional-${r}`), `pos-fleet-writer-${writer}`].sort()
const settled = async (writer: RegionId) => {
  const states = await applicationStates(management)
  return states.map((a) => a.name).join() === expectedApps(writer).join() && states.every((a) => a.sync === 'Synced' && a.health === 'Healthy') && states
}
const deploymentNames = async (region: RegionId) =>
  (await getJson<{ items: { metadata: { name: string } }[] }>(regional(region), ['deployments', ...fleetNs])).items.map((d) => d.metadata.name).sort()

describe('fleet gitops up', () => {
  it('ends with one Application per region and the writer slice at the writer, every one Synced and Healthy', async () => {
    const states = await applicationStates(management)
    // Each Application is named after the region whose cluster it targets.
    const destination = (app: string) => clusterName(app.replace(/^pos-fleet-(regional|writer)-/, '') as RegionId)
    expect(states.map((a) => [a.name, a.destination])).toEqual(expectedApps(topology.writer).map((n) => [n, destination(n)]))
    for (const a of states) expect(a, a.name).toMatchObject({ sync: 'Synced', health: 'Healthy', operation: 'Succeeded' })
    expect(await applicationSetErrors(management)).toEqual([])
  })

  it('earns Healthy from real status: Argo CD runs without health overrides', async () => {
    const cm = await getJson<{ data?: Record<string, string> }>(management, ['configmap', 'argocd-cm', ...argocd])
    expect(Object.keys(cm.data ?? {}).filter((k) => k.startsWith('resource.'))).toEqual([])
  })

  it('runs storefront and inventory-delta in every region, payments-worker and the completed migration Job at the writer only', async () => {
    for (const r of REGION_IDS) {
      const expected = r === topology.writer ? ['inventory-delta', 'payments-worker', 'storefront'] : ['inventory-delta', 'storefront']
      expect(await deploymentNames(r), r).toEqual(expected)
      expect((await writerWorkloads(r)).present, r).toEqual(r === topology.writer ? ['deployment/payments-worker', 'job/pos-fleet-migrate'] : [])
    }
    expect((await writerWorkloads(topology.writer)).ready).toBe(true)
  })

  it('has pods Running on the fake node and HPAs that found their Deployment (synced after it)', async () => {
    for (const r of REGION_IDS) {
      const pods = await getJson<{ items: { status: { phase: string }; spec: { nodeName?: string } }[] }>(regional(r), ['pods', ...fleetNs, '--field-selector', 'status.phase!=Succeeded'])
      expect(pods.items.length, r).toBeGreaterThan(0)
      for (const p of pods.items) expect({ phase: p.status.phase, node: p.spec.nodeName }).toEqual({ phase: 'Running', node: `kwok-${r}-0` })
      const hpas = await getJson<{ items: { metadata: { name: string }; status: { conditions?: { type: string; status: string; reason: string }[] } }[] }>(regional(r), ['hpa', ...fleetNs])
      expect(hpas.items.length, r).toBeGreaterThan(0)
      for (const h of hpas.items) expect(h.status.conditions?.find((c) => c.type === 'AbleToScale'), h.metadata.name).toMatchObject({ status: 'True' })
    }
  })
})

describe('a cluster Secret without a required annotation', () => {
  const secret = `cluster-${clusterName('eu-central-1')}`
  const key = CLUSTER_ANNOTATIONS.kafkaBrokers

  it('is reported by the ApplicationSet, naming cluster and annotation, and nothing is rendered from it', async () => {
    const before = await getJson<{ metadata: { annotations: Record<string, string> } }>(management, ['secret', secret, ...argocd])
    const value = before.metadata.annotations[key] as string
    const regionalApp = 'pos-fleet-regional-eu-central-1'
    const brokers = async () => (await getJson<any>(management, ['application', regionalApp, ...argocd])).spec.source.helm.valuesObject.kafka.brokers
    await kubectl(management, ['annotate', 'secret', secret, ...argocd, `${key}-`])
    try {
      const errors = await eventually(async () => {
        const found = await applicationSetErrors(management)
        return found.length > 0 && found
      }, 60_000, 'an ApplicationSet error condition')
      expect(errors).toEqual([{ appset: 'pos-fleet-regional', message: expect.stringContaining(`cluster ${clusterName('eu-central-1')}: required annotation ${key} is missing or empty`) }])
      // The Application keeps what it had: no empty value was rendered into it.
      expect(await brokers()).toBe(value)
    } finally {
      await kubectl(management, ['annotate', 'secret', secret, ...argocd, `${key}=${value}`, '--overwrite'])
    }
    await eventually(async () => (await applicationSetErrors(management)).length === 0, 60_000, 'the error condition to clear')
    expect(await brokers()).toBe(value)
  })
})

describe('selfHeal', () => {
  it('reverts a Deployment edited by hand in a regional cluster', async () => {
    const cluster = regional('eu-central-1')
    const deployment = async () => {
      const d = await getJson<any>(cluster, ['deployment', 'storefront', ...fleetNs])
      return { image: d.spec.template.spec.containers[0].image as string, generation: d.metadata.generation as number }
    }
    const before = await deployment()
    const edited = before.image.replace(/:[^:]+$/, ':edited-by-hand')
    await kubectl(cluster, ['set', 'image', 'deployment/storefront', ...fleetNs, `storefront=${edited}`])
    const healed = await eventually(async () => {
      const now = await deployment()
      return now.image === before.image && now
    }, 120_000, 'Argo CD to restore the declared image')
    // Two writes since: the hand edit, then Argo CD's — not an edit that never landed.
    expect(healed.generation).toBeGreaterThanOrEqual(before.generation + 2)
    await eventually(() => settled(topology.writer), 120_000, 'every Application Synced and Healthy again')
  })
})

describe('fleet gitops flip-writer', () => {
  const writerLabelled = async () =>
    (await getJson<{ items: { metadata: { labels: Record<string, string> } }[] }>(management, ['secrets', ...argocd, '-l', `${CLUSTER_LABELS.role}=writer`])).items.map((s) => s.metadata.labels[CLUSTER_LABELS.region])

  it('refuses to flip to the current writer, exit 2, changing nothing', async () => {
    const result = await fleetCli(['gitops', 'flip-writer', '--to', topology.writer])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(`${topology.writer} is the writer already`)
    expect(await writerLabelled()).toEqual([topology.writer])
  })

  const to = REGION_IDS.find((r) => r !== topology.writer) as RegionId
  it.each([
    [topology.writer, to],
    [to, topology.writer],
  ])('moves payments-worker and the migration Job from %s to %s, and nowhere else', async (from, target) => {
    const result = await fleetCli(['gitops', 'flip-writer', '--to', target])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`writer ${from} → ${target}: .* in ${target} only, \\d+ ms after the label moved`))
    for (const r of REGION_IDS) {
      const workloads = await writerWorkloads(r)
      expect(workloads.present, r).toEqual(r === target ? ['deployment/payments-worker', 'job/pos-fleet-migrate'] : [])
      if (r === target) expect(workloads.ready).toBe(true)
    }
    expect(await writerLabelled()).toEqual([target])
    expect(await settled(target)).not.toBe(false)
    const values = (await getJson<any>(management, ['application', `pos-fleet-regional-${target}`, ...argocd])).spec.source.helm.valuesObject
    expect(values.role).toBe('writer')
  })
})
