/**
 * The import rules of .dependency-cruiser.cjs (drawn in docs/architecture.md), checked on the
 * real tree: the production side never imports the fleet CLI, the spec imports nothing, the
 * services import each other never. Workspace imports resolve through each package's
 * `exports` to dist/, so this runs after `tsc -b` (as `./fleet test` does).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const config = join(repo, '.dependency-cruiser.cjs')
const depcruise = join(repo, 'node_modules', '.bin', 'depcruise')
const run = promisify(execFile)

interface Violation {
  from: string
  to: string
  rule: { name: string }
}
interface CruiseResult {
  modules: Array<{ source: string; dependencies: Array<{ resolved: string }> }>
  summary: { violations: Violation[]; totalCruised: number }
}

async function cruise(cwd: string, roots: string[]): Promise<CruiseResult> {
  // Exit code 1 means "violations found": the JSON on stdout is what the tests read.
  const result = await run(depcruise, [...roots, '--config', config, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`depcruise failed: ${error.stderr ?? error}`)
      return { stdout: error.stdout }
    },
  )
  return JSON.parse(result.stdout) as CruiseResult
}

const edge = (r: CruiseResult, from: RegExp, to: RegExp) =>
  r.modules.some((m) => from.test(m.source) && m.dependencies.some((d) => to.test(d.resolved)))

describe('what may import what', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'pos-fleet-depcruise-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('finds no forbidden import in the workspace', async () => {
    const result = await cruise(repo, ['packages', 'services', 'cdk8s/src', 'test', 'deploy'])
    const lines = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
    expect(lines).toEqual([])
    // The graph is real: the edges a healthy build has are there, so a forbidden one would be seen.
    expect(result.summary.totalCruised).toBeGreaterThan(150)
    expect(edge(result, /^services\/storefront\/src\//, /^packages\/platform\//)).toBe(true)
    expect(edge(result, /^packages\/fleet\/src\//, /^packages\/topology\//)).toBe(true)
    expect(edge(result, /^cdk8s\/src\//, /^packages\/topology\//)).toBe(true)
  })

  it('reports a service that imports the fleet CLI or another service', async () => {
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(scratch, path)), { recursive: true })
      writeFileSync(join(scratch, path), text)
    }
    write('packages/fleet/src/cli.ts', 'export const cli = 1\n')
    write('services/payments-worker/src/drain.ts', 'export const drain = 1\n')
    write('services/storefront/src/app.ts', "import { cli } from '../../../packages/fleet/src/cli.js'\nimport { drain } from '../../payments-worker/src/drain.js'\nexport const app = cli + drain\n")
    const result = await cruise(scratch, ['services', 'packages'])
    expect(result.summary.violations.map((v) => v.rule.name).sort()).toEqual(['production-never-imports-the-cli', 'services-are-independent'])
  })
})
