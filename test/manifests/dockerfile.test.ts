import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../cdk8s/src/paths.js'

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n')
const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string }

describe('Dockerfile', () => {
  it('builds on a pinned Node 22 or 24 LTS image (exact version tag)', () => {
    const base = /^ARG NODE_IMAGE=(.+)$/m.exec(dockerfile)?.[1]
    expect(base).toMatch(/^node:(22|24)\.\d+\.\d+-[a-z]+-slim(@sha256:[a-f0-9]{64})?$/)
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])
    expect(froms).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}'])
  })

  it('is multi-stage: deploys each service with pnpm deploy --prod into a runtime stage', () => {
    for (const svc of ['storefront', 'inventory-delta', 'payments-worker', 'payment-gateway-sandbox']) expect(dockerfile).toContain(svc)
    expect(dockerfile).toMatch(/deploy --prod --legacy "\/out\/\$svc"/)
    expect(dockerfile).toMatch(/COPY --from=build \/out \/app/)
    expect(dockerfile).toContain(`pnpm@${rootPackage.packageManager.split('@')[1]}`)
  })

  it('ships the migrator as the migration entry and never the fleet CLI', () => {
    expect(dockerfile).toMatch(/for svc in [^;]*\bmigrator\b[^;]*; do/)
    expect(dockerfile).not.toMatch(/@pos-fleet\/fleet|packages\/fleet|\/app\/tools/)
  })

  it('runs as the non-root user with NODE_ENV=production and OCI labels', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'))
    expect(runtime).toMatch(/^USER 1000:1000$/m)
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m)
    for (const label of ['title', 'source', 'version', 'revision', 'licenses', 'base.name']) expect(runtime).toContain(`org.opencontainers.image.${label}=`)
    expect(runtime).toContain('--import", "@pos-fleet/platform/telemetry"')
  })

  it('keeps dependencies, build output, state and secrets-bearing folders out of the build context', () => {
    for (const entry of ['**/node_modules', '**/dist', '.git', '.cache', '.pos-fleet']) expect(dockerignore).toContain(entry)
  })
})
