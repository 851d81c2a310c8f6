import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { binDir } from '../../packages/fleet/src/infra/paths.js'

/**
 * schemathesis (scripts/bootstrap.sh installs it into a cached virtualenv, linked as
 * .cache/bin/st), run against a live service's GET /openapi.json.
 */

const run = promisify(execFile)

export interface FuzzTarget {
  /** The service's base URL on 127.0.0.1: the document is read from it and every request goes to it. */
  baseUrl: string
  /** A key per security scheme of the document; each operation is sent with the one it names. */
  keys: { terminalKey: string; inventoryManagerKey: string }
  /** Ids that exist, offered for half the generated values, so valid requests reach the handlers. */
  known: { storeId: string; skus: readonly string[] }
  maxExamples: number
  seed: number
}

/**
 * The one check whose expectation differs from schemathesis' default, and why (README, "The API
 * contract"): a schema-valid request may still break a business rule no schema can state
 * (an unknown SKU, an amount that is not the total, a key reused with another body): 422.
 */
const POSITIVE_DATA_EXPECTED = ['2xx', '401', '403', '404', '409', '422']

function config(t: FuzzTarget): string {
  const list = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`
  return [
    '[auth.openapi.terminalKey]',
    `bearer = ${JSON.stringify(t.keys.terminalKey)}`,
    '[auth.openapi.inventoryManagerKey]',
    `bearer = ${JSON.stringify(t.keys.inventoryManagerKey)}`,
    '[checks.positive_data_acceptance]',
    `expected-statuses = ${list(POSITIVE_DATA_EXPECTED)}`,
    '[dictionaries.stores]',
    `values = ${list([t.known.storeId])}`,
    '[dictionaries.skus]',
    `values = ${list(t.known.skus)}`,
    '[parameters]',
    ...['path.storeId', 'body.storeId'].map((k) => `"${k}" = { dictionary = "stores", probability = 0.5 }`),
    ...['path.sku', 'body.sku', 'body.lines[*].sku'].map((k) => `"${k}" = { dictionary = "skus", probability = 0.5 }`),
    '',
  ].join('\n')
}

export interface FuzzResult {
  exitCode: number
  /** Test cases schemathesis generated and sent. */
  cases: number
  /** Each failed check: operation, check and its title. */
  failures: string[]
  output: string
}

/** Counts from the NDJSON event stream: every case run, every failed check. */
function summarize(ndjson: string): Pick<FuzzResult, 'cases' | 'failures'> {
  let cases = 0
  const failures: string[] = []
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue
    const finished = (JSON.parse(line) as Record<string, any>).ScenarioFinished
    if (!finished) continue
    const recorder = finished.recorder ?? {}
    cases += Object.keys(recorder.cases ?? {}).length
    for (const checks of Object.values<any[]>(recorder.checks ?? {})) {
      for (const c of checks) if (c.status === 'FAILURE') failures.push(`${recorder.label}: ${c.name}: ${c.failure_info?.failure?.title ?? ''}`)
    }
  }
  return { cases, failures }
}

export async function schemathesis(t: FuzzTarget): Promise<FuzzResult> {
  const dir = mkdtempSync(join(tmpdir(), 'schemathesis-'))
  const configFile = join(dir, 'schemathesis.toml')
  writeFileSync(configFile, config(t), { mode: 0o600 })
  const events = join(dir, 'events.ndjson')
  const args = [
    '--config-file', configFile,
    'run', `${t.baseUrl}/openapi.json`,
    '--url', t.baseUrl,
    '--max-examples', String(t.maxExamples),
    '--seed', String(t.seed),
    '--workers', '2',
    '--request-timeout', '10',
    '--generation-database', 'none',
    '--report', 'ndjson',
    '--report-ndjson-path', events,
    '--no-color',
  ]
  let exitCode = 0
  let output = ''
  try {
    // In the run's own folder: schemathesis keeps a .schemathesis/ cache where it runs.
    const r = await run(join(binDir, 'st'), args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 })
    output = r.stdout + r.stderr
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message?: string }
    exitCode = typeof e.code === 'number' ? e.code : -1
    output = `${e.stdout ?? ''}${e.stderr ?? ''}${exitCode === -1 ? e.message : ''}`
  }
  return { exitCode, output, ...summarize(readFileSync(events, 'utf8')) }
}
