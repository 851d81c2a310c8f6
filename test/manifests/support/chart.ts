/** Shared set-up of the manifest tests: the helm binary, the chart, and regional values from the topology. */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { binDir } from '@pos-fleet/fleet/infra/paths'
import { type RegionId, type RegionRole, REGION_IDS, roleOf } from '@pos-fleet/topology'
import { chartDir, repoRoot } from '../../../cdk8s/src/paths.js'
import type { HelmRun } from '../../../cdk8s/src/validation/helm.js'
import type { K8sObject } from '../../../cdk8s/src/validation/kubernetes-schemas.js'

export const helm: HelmRun = { helm: join(binDir, 'helm'), chart: chartDir }

/** The migration image's entry (relative to /app/migrator): the migrator package's bin. */
export const migratorEntry = (JSON.parse(readFileSync(join(repoRoot, 'services/migrator/package.json'), 'utf8')) as { bin: Record<string, string> }).bin['pos-migrator']!.replace(/^\.\//, '')

export function assertHelmInstalled(): void {
  if (!existsSync(helm.helm)) throw new Error(`helm not found at ${helm.helm}: run scripts/bootstrap.sh`)
}

/** Every (region, role) pair: each topology region as the writer and as a reader. */
export const REGION_ROLES: ReadonlyArray<{ region: RegionId; role: RegionRole }> = REGION_IDS.flatMap((region) =>
  (['writer', 'reader'] as const).map((role) => ({ region, role })),
)

/** Values a regional operator would give: endpoints in host:port form, credentials by Secret name only. */
export function regionalValues(region: RegionId, role: RegionRole = roleOf(region)): Record<string, unknown> {
  return {
    region,
    role,
    database: {
      readEndpoint: `pos-db-local.${region}.example.internal:3306`,
      writeEndpoint: `pos-db-global.${region}.example.internal:3306`,
      existingSecret: 'pos-fleet-db',
    },
    kafka: { brokers: 'kafka-0.kafka.pos-fleet.svc:9092,kafka-1.kafka.pos-fleet.svc:9092' },
    otel: { endpoint: 'http://otel-collector.observability.svc:4318' },
  }
}

export const byKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind)

export function podSpecs(objects: readonly K8sObject[]): Array<{ owner: string; spec: any }> {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, spec: (o.spec as any).template.spec }))
}

/** Strings that must never appear in a manifest: the local demo passwords and anything password-like in plain values. */
export function plaintextSecretFindings(objects: readonly K8sObject[], knownPasswords: readonly string[]): string[] {
  const findings: string[] = []
  for (const o of objects) {
    const text = JSON.stringify(o)
    for (const p of knownPasswords) if (text.includes(p)) findings.push(`${o.kind}/${o.metadata.name} contains a known password`)
    if (o.kind === 'Secret' && (o as any).data) findings.push(`${o.kind}/${o.metadata.name} carries data`)
    for (const { owner, spec } of podSpecs([o])) {
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          const sensitive = /PASS|SECRET|TOKEN|KEY/i.test(e.name)
          if (sensitive && e.value !== undefined) findings.push(`${owner}: env ${e.name} has an inline value`)
          if (typeof e.value === 'string' && /mysql:\/\/[^$][^:]*:[^$@][^@]*@/.test(e.value)) findings.push(`${owner}: env ${e.name} embeds credentials`)
        }
      }
    }
  }
  return findings
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8')
}
