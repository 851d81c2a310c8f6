import { join } from 'node:path'
import { DB_USERS } from '@pos-fleet/topology/database'
import { REGION_IDS, roleOf, topology } from '@pos-fleet/topology'
import { SERVICE_NODE_ARGS } from '@pos-fleet/topology/services'
import { beforeAll, describe, expect, it } from 'vitest'
import { chartDir } from '../../cdk8s/src/paths.js'
import { helmLint, helmTemplate, renderChart } from '../../cdk8s/src/validation/helm.js'
import { type K8sObject, validateObject } from '../../cdk8s/src/validation/kubernetes-schemas.js'
import { REGION_ROLES, assertHelmInstalled, byKind, helm, migratorEntry, plaintextSecretFindings, podSpecs, readText, regionalValues } from './support/chart.js'

const knownPasswords = Object.values(DB_USERS).map((a) => a.password)
const rendered = new Map<string, K8sObject[]>()
const key = (region: string, role: string) => `${region}/${role}`

beforeAll(() => {
  assertHelmInstalled()
  for (const { region, role } of REGION_ROLES) rendered.set(key(region, role), renderChart(helm, 'pos-fleet', regionalValues(region, role)))
})

describe('charts/pos-fleet — helm lint and template for every region and role', () => {
  it.each(REGION_ROLES)('lints cleanly (--strict) for $region as $role', ({ region, role }) => {
    const result = helmLint(helm, regionalValues(region, role))
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed')
    expect(result.ok).toBe(true)
  })

  it.each(REGION_ROLES)('renders objects that all match the Kubernetes 1.28 schemas for $region as $role', ({ region, role }) => {
    const objects = rendered.get(key(region, role)) ?? []
    expect(objects.length).toBeGreaterThan(0)
    for (const o of objects) validateObject(o)
  })

  it('has the topology’s regions, no more and no fewer, in values.schema.json', () => {
    const schema = JSON.parse(readText(join(chartDir, 'values.schema.json')))
    expect(schema.properties.region.enum).toEqual([...REGION_IDS])
  })
})

describe('charts/pos-fleet — what runs where', () => {
  it.each(REGION_ROLES)('renders payments-worker and the migration Job only when $region is writer (here: $role)', ({ region, role }) => {
    const objects = rendered.get(key(region, role)) ?? []
    const deployments = byKind(objects, 'Deployment').map((d) => d.metadata.name).sort()
    const jobs = byKind(objects, 'Job').map((j) => j.metadata.name)
    if (role === 'writer') {
      expect(deployments).toEqual(['inventory-delta', 'payments-worker', 'storefront'])
      expect(jobs).toEqual(['pos-fleet-migrate'])
    } else {
      expect(deployments).toEqual(['inventory-delta', 'storefront'])
      expect(jobs).toEqual([])
    }
  })

  it('never renders payments-worker for a reader, even when its component is switched on', () => {
    const objects = renderChart(helm, 'r', { ...regionalValues('eu-central-1', 'reader'), components: { paymentsWorker: true, migrations: true } })
    expect(objects.some((o) => o.metadata.name === 'payments-worker' || o.kind === 'Job')).toBe(false)
  })

  it('runs the migrations before the services: a pre-install/pre-upgrade hook in sync wave -1, services in wave 1', () => {
    const objects = rendered.get(key(topology.writer, 'writer')) ?? []
    const [job] = byKind(objects, 'Job')
    expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade')
    expect(Number(job?.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeLessThan(0)
    for (const d of byKind(objects, 'Deployment')) expect(Number(d.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(0)
    expect((job?.spec as any).template.spec.containers[0].env.find((e: any) => e.name === 'DB_MIGRATE_URL').value).toContain(`pos-db-global.${topology.writer}`)
  })

  it('syncs each HorizontalPodAutoscaler in a later wave than the Deployment it scales (real Argo CD: an HPA first finds no scale target and stays Degraded)', () => {
    const objects = rendered.get(key(topology.writer, 'writer')) ?? []
    const wave = (o: K8sObject | undefined) => Number(o?.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)
    const hpas = byKind(objects, 'HorizontalPodAutoscaler')
    expect(hpas.length).toBeGreaterThan(0)
    for (const hpa of hpas) {
      const target = byKind(objects, 'Deployment').find((d) => d.metadata.name === (hpa.spec as any).scaleTargetRef.name)
      expect(target, hpa.metadata.name).toBeDefined()
      expect(wave(hpa)).toBeGreaterThan(wave(target))
    }
  })

  it('starts every service with the Node arguments the native fleet and compose use', () => {
    const deployments = byKind(rendered.get(key(topology.writer, 'writer')) ?? [], 'Deployment')
    expect(deployments.length).toBeGreaterThan(0)
    for (const d of deployments) expect((d.spec as any).template.spec.containers[0].command, d.metadata.name).toEqual(['node', ...SERVICE_NODE_ARGS])
  })

  it('samples new traces at otel.sampleRatio (0.1 unless set, 0 allowed), always continuing a sampled caller', () => {
    const samplerOf = (objects: K8sObject[]) =>
      byKind(objects, 'Deployment').map((d) => {
        const env = Object.fromEntries((d.spec as any).template.spec.containers[0].env.map((e: any) => [e.name, e.value]))
        return [env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG]
      })
    const defaults = samplerOf(rendered.get(key(topology.writer, 'writer')) ?? [])
    expect(defaults.length).toBeGreaterThan(0)
    for (const s of defaults) expect(s).toEqual(['parentbased_traceidratio', '0.1'])
    const values = regionalValues(topology.writer, 'writer') as { otel: Record<string, unknown> }
    for (const ratio of [0, 1]) {
      const objects = renderChart(helm, 'pos-fleet', { ...values, otel: { ...values.otel, sampleRatio: ratio } })
      for (const s of samplerOf(objects)) expect(s).toEqual(['parentbased_traceidratio', String(ratio)])
    }
  })

  it('runs the migrator package’s entry from its folder in the image', () => {
    const [job] = byKind(rendered.get(key(topology.writer, 'writer')) ?? [], 'Job')
    const container = (job?.spec as any).template.spec.containers[0]
    expect(container.workingDir).toBe('/app/migrator')
    expect(container.command.at(-1)).toBe(migratorEntry)
  })

  it.each(REGION_IDS)('passes %s to every service as POS_REGION, and no role: a service reads its role from its database', (region) => {
    const objects = rendered.get(key(region, roleOf(region))) ?? []
    for (const { owner, spec } of podSpecs(byKind(objects, 'Deployment'))) {
      const env = Object.fromEntries(spec.containers[0].env.map((e: any) => [e.name, e.value]))
      expect(env.POS_REGION, owner).toBe(region)
      expect(env, owner).not.toHaveProperty('POS_ROLE')
      expect(env.HOST, owner).toBe('0.0.0.0')
      expect(env.DB_READ_URL, owner).toBe(`mysql://$(DB_USER):$(DB_PASSWORD)@pos-db-local.${region}.example.internal:3306/pos`)
      expect(env.DB_WRITE_URL, owner).toBe(`mysql://$(DB_USER):$(DB_PASSWORD)@pos-db-global.${region}.example.internal:3306/pos`)
    }
  })

  it('points payments-worker at the configured gateway URL', () => {
    const objects = renderChart(helm, 'r', { ...regionalValues('us-east-1', 'writer'), paymentGateway: { url: 'https://psp.example.com:8443' } })
    const worker = byKind(objects, 'Deployment').find((d) => d.metadata.name === 'payments-worker') as any
    const env = Object.fromEntries(worker.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]))
    expect(env.GATEWAY_URL).toBe('https://psp.example.com:8443')
    const policy = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'payments-worker') as any
    expect(policy.spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port))).toContain(8443)
  })
})

describe('charts/pos-fleet — security and availability', () => {
  const all = () => [...rendered.values()].flat()

  it('runs every container as non-root with a read-only root, no capabilities and RuntimeDefault seccomp', () => {
    for (const { owner, spec } of podSpecs(all())) {
      expect(spec.securityContext.runAsNonRoot, owner).toBe(true)
      expect(spec.securityContext.seccompProfile.type, owner).toBe('RuntimeDefault')
      expect(spec.automountServiceAccountToken, owner).toBe(false)
      for (const c of spec.containers) {
        expect(c.securityContext, owner).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        })
        expect(c.securityContext.runAsUser, owner).toBeGreaterThan(0)
      }
    }
  })

  it('gives every container cpu and memory requests and limits', () => {
    for (const { owner, spec } of podSpecs(all())) {
      for (const c of spec.containers) {
        expect(Object.keys(c.resources.requests ?? {}).sort(), owner).toEqual(['cpu', 'memory'])
        expect(Object.keys(c.resources.limits ?? {}).sort(), owner).toEqual(['cpu', 'memory'])
      }
    }
  })

  it('pins every image to a tag that is not latest', () => {
    for (const { owner, spec } of podSpecs(all())) {
      for (const c of spec.containers) expect(c.image, owner).toMatch(/^[^:@]+(:(?!latest$)[\w][\w.-]*|@sha256:[a-f0-9]{64})$/)
    }
  })

  it('contains no plaintext secret: no Secret objects, credentials only through secretKeyRef', () => {
    const objects = all()
    expect(byKind(objects, 'Secret')).toEqual([])
    expect(plaintextSecretFindings(objects, knownPasswords)).toEqual([])
    for (const { owner, spec } of podSpecs(objects)) {
      const env = spec.containers[0].env as any[]
      for (const name of ['DB_USER', 'DB_PASSWORD']) expect(env.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.name, owner).toBe('pos-fleet-db')
    }
  })

  it('probes /healthz for liveness and /readyz for readiness, and outlasts the drain on termination', () => {
    for (const d of byKind(all(), 'Deployment')) {
      const spec = (d.spec as any).template.spec
      const c = spec.containers[0]
      expect(c.livenessProbe.httpGet.path).toBe('/healthz')
      expect(c.readinessProbe.httpGet.path).toBe('/readyz')
      const drainMs = Number(c.env.find((e: any) => e.name === 'SHUTDOWN_GRACE_MS').value)
      const preStop = Number(c.lifecycle.preStop.exec.command[1])
      expect(spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs + preStop * 1000)
    }
  })

  it('has a PodDisruptionBudget, an HPA and zone spread for every Deployment', () => {
    for (const objects of rendered.values()) {
      for (const d of byKind(objects, 'Deployment')) {
        const name = d.metadata.name
        expect(byKind(objects, 'PodDisruptionBudget').some((p) => p.metadata.name === name), name).toBe(true)
        const hpa = byKind(objects, 'HorizontalPodAutoscaler').find((h) => h.metadata.name === name) as any
        expect(hpa?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name })
        const keys = (d.spec as any).template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)
        expect(keys).toContain('topology.kubernetes.io/zone')
      }
    }
  })

  it('admits ingress only from the gateway (and metrics) namespaces, egress only to the database, Kafka, OTel and DNS', () => {
    const objects = rendered.get(key(topology.writer, 'writer')) ?? []
    const policies = byKind(objects, 'NetworkPolicy') as any[]
    const workloads = [...byKind(objects, 'Deployment'), ...byKind(objects, 'Job')]
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(workloads.map((w) => (w.kind === 'Job' ? 'pos-fleet-migrate' : w.metadata.name)).sort())
    for (const p of policies) {
      expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress'])
      const namespaces = p.spec.ingress.flatMap((i: any) => i.from.flatMap((f: any) => f.namespaceSelector.matchExpressions[0].values))
      if (p.metadata.name === 'storefront' || p.metadata.name === 'inventory-delta') expect(namespaces.sort()).toEqual(['monitoring', 'pos-gateway'])
      else expect(namespaces).not.toContain('pos-gateway')
      const ports = p.spec.egress.flatMap((e: any) => e.ports.map((x: any) => x.port)).sort((a: number, b: number) => a - b)
      const expected = p.metadata.name === 'pos-fleet-migrate' ? [53, 53, 3306] : p.metadata.name === 'payments-worker' ? [53, 53, 3306, 4318, 9092, 18990] : [53, 53, 3306, 4318, 9092]
      expect(ports, p.metadata.name).toEqual(expected)
    }
  })
})

describe('charts/pos-fleet — values.schema.json rejects bad values with a clear message', () => {
  const writer = () => regionalValues(topology.writer, 'writer')
  const cases: Array<{ name: string; values: () => Record<string, unknown>; message: RegExp }> = [
    { name: 'an unknown role', values: () => ({ ...writer(), role: 'primary' }), message: /at '\/role': value must be one of 'writer', 'reader'/ },
    {
      name: 'a missing region',
      values: () => {
        const { region: _region, ...rest } = writer()
        return rest
      },
      message: /missing property 'region'/,
    },
    { name: 'a region outside the topology', values: () => ({ ...writer(), region: 'mars-north-1' }), message: /at '\/region': value must be one of/ },
    {
      name: 'a malformed database endpoint',
      values: () => ({ ...writer(), database: { ...(writer().database as object), readEndpoint: 'mysql://db:3306' } }),
      message: /at '\/database\/readEndpoint'/,
    },
    { name: 'a malformed Kafka broker list', values: () => ({ ...writer(), kafka: { brokers: 'kafka:9092;kafka2' } }), message: /at '\/kafka\/brokers'/ },
    { name: 'a malformed OTel endpoint', values: () => ({ ...writer(), otel: { endpoint: 'otel:4318' } }), message: /at '\/otel\/endpoint'/ },
    { name: 'an inline database password', values: () => ({ ...writer(), database: { ...(writer().database as object), password: 'hunter2' } }), message: /additional properties 'password' not allowed/ },
    { name: 'the latest image tag', values: () => ({ ...writer(), image: { repository: 'ghcr.io/pos-fleet/pos-fleet', tag: 'latest' } }), message: /at '\/image\/tag'/ },
    { name: 'a missing existingSecret', values: () => ({ ...writer(), database: { readEndpoint: 'db:3306', writeEndpoint: 'db:3306' } }), message: /missing property 'existingSecret'/ },
    {
      name: 'a grace period shorter than the drain',
      values: () => ({ ...writer(), termination: { preStopSeconds: 5, shutdownGraceSeconds: 10, terminationGracePeriodSeconds: 12 } }),
      message: /terminationGracePeriodSeconds \(12\) must exceed/,
    },
  ]
  it.each(cases)('refuses $name', ({ values, message }) => {
    const result = helmTemplate(helm, 'bad', values())
    expect(result.ok).toBe(false)
    expect(result.stderr).toMatch(message)
  })
})
