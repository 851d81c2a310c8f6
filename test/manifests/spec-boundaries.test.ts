import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../cdk8s/src/paths.js'

/** Every file below `dir` (relative to the repo root), skipping dependencies and build output. */
function files(dir: string): string[] {
  const root = join(repoRoot, dir)
  if (statSync(root).isFile()) return [dir]
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => !/(^|\/)(node_modules|dist)(\/|$)/.test(f) && statSync(join(root, f)).isFile())
    .map((f) => relative(repoRoot, join(root, f)))
}

const DEPLOYMENT = ['cdk8s/src', 'cdk8s/package.json', 'services', 'packages/platform/src', 'packages/platform/package.json', 'packages/topology', 'Dockerfile', 'deploy', 'charts']

describe('the deployment spec and its readers', () => {
  it('leaves the fleet CLI out of everything that deploys: no file there names @pos-fleet/fleet', () => {
    const offenders = DEPLOYMENT.flatMap(files).filter((f) => readFileSync(join(repoRoot, f), 'utf8').includes('@pos-fleet/fleet'))
    expect(offenders).toEqual([])
  })

  it('keeps the spec free of dependencies: no package dependency, no import but its own modules', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages/topology/package.json'), 'utf8'))
    expect(pkg.dependencies ?? {}).toEqual({})
    for (const f of files('packages/topology/src').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const imports = [...readFileSync(join(repoRoot, f), 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1])
      for (const specifier of imports) expect(specifier, f).toMatch(/^\.\/[\w-]+\.js$/)
    }
  })
})
