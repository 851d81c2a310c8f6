import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { binDir } from '../../packages/fleet/src/infra/paths.js'
import { fleet } from '../support/fleet.js'

/**
 * The API contract checked from outside: schemathesis (installed by scripts/bootstrap.sh)
 * reads each running service's GET /openapi.json, generates requests from it — valid ones,
 * and invalid ones for every parameter, header and body field — and checks every answer: no
 * server error, a status, content type, headers and body the document declares, invalid input
 * rejected and valid input accepted. It authenticates per operation with the security scheme
 * the document names: the demo terminal key or the inventory manager key from endpoints.json.
 * Checks turned off are listed, with why, in README.md ("The API contract").
 */

const run = promisify(execFile)
const st = join(binDir, 'st')
const config = new URL('../support/schemathesis.toml', import.meta.url).pathname

/** Bounded: this many generated cases per operation and phase, with a fixed seed (a failure replays). */
const MAX_EXAMPLES = 40
const SEED = 16

interface Summary {
  cases: number
  failures: string[]
}

/** Counts from the NDJSON event stream: every test case schemathesis ran, every failed check. */
function summarize(ndjson: string): Summary {
  let cases = 0
  const failures: string[] = []
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue
    const event = JSON.parse(line) as Record<string, any>
    const finished = event.ScenarioFinished
    if (!finished) continue
    const recorder = finished.recorder ?? {}
    cases += Object.keys(recorder.cases ?? {}).length
    for (const checks of Object.values<any[]>(recorder.checks ?? {})) {
      for (const c of checks) if (c.status === 'FAILURE') failures.push(`${recorder.label}: ${c.name}: ${c.failure_info?.failure?.title ?? ''}`)
    }
  }
  return { cases, failures }
}

async function fuzz(name: string, baseUrl: string): Promise<Summary & { exitCode: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), `schemathesis-${name}-`))
  const terminal = fleet.terminals.find((t) => t.region === fleet.writer)!
  const manager = fleet.inventoryManagers.find((m) => m.merchantId === terminal.merchantId)!
  const args = [
    '--config-file', config,
    'run', `${baseUrl}/openapi.json`,
    '--url', baseUrl,
    '--max-examples', String(MAX_EXAMPLES),
    '--seed', String(SEED),
    '--workers', '2',
    '--request-timeout', '10',
    '--generation-database', 'none',
    '--report', 'ndjson',
    '--report-ndjson-path', join(dir, 'events.ndjson'),
    '--no-color',
  ]
  const env = { ...process.env, POS_TERMINAL_KEY: terminal.apiKey, POS_MANAGER_KEY: manager.apiKey }
  let exitCode = 0
  let output = ''
  try {
    const r = await run(st, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 })
    output = r.stdout + r.stderr
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    exitCode = typeof e.code === 'number' ? e.code : -1
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`
  }
  const summary = summarize(readFileSync(join(dir, 'events.ndjson'), 'utf8'))
  process.stderr.write(`[schemathesis] ${name}: ${summary.cases} cases, ${summary.failures.length} failed checks (exit ${exitCode})\n`)
  return { ...summary, exitCode, output }
}

describe('the API contract, fuzzed from outside (schemathesis)', () => {
  it.each([
    ['storefront', () => fleet.regions[fleet.writer].storefront],
    ['inventory-delta', () => fleet.regions[fleet.writer].inventoryDelta],
  ] as const)('%s answers every generated request as its /openapi.json says, with no server error', async (name, url) => {
    const r = await fuzz(name, url())
    expect(r.failures, r.output.slice(-8_000)).toEqual([])
    expect(r.exitCode, r.output.slice(-8_000)).toBe(0)
    expect(r.cases).toBeGreaterThan(100)
  }, 300_000)
})
