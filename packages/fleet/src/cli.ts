import { parseArgs } from 'node:util'
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { RegionId } from '@pos-fleet/topology'
import type { BrokenInvariant } from './drill/partition-drill.js'
import type { FaultMode } from './infra/toxiproxy.js'
import { parseDuration } from './drill/duration.js'
import { formatReport, parseBrokenInvariant, parseDrillMode, parseDrillRegion, runPartitionDrill } from './drill/partition-drill.js'
import { endpointsFile, readEndpoints } from './endpoints.js'
import { writeClaims } from './loadtest/claims.js'
import { loadtestToReport } from './loadtest/command.js'
import { summarizeReport } from './loadtest/summary.js'
import { parseMix } from './loadtest/options.js'
import { DEFAULT_MIX, type LoadtestOptions } from './loadtest/runner.js'
import { sweepCheckout } from './loadtest/sweep.js'
import { fleetDown, fleetStatus, fleetUp } from './fleet.js'
import { repoRoot } from './infra/paths.js'

const USAGE = `usage: pnpm fleet <command> [options]

commands:
  up [--detach] [--wan-scale N]   start the three-region fleet natively (fresh data each time);
                                  foreground until Ctrl-C, or --detach to return once ready
  down                            stop every fleet process; verifies no port is left bound
  status [--json]                 each region's role, readiness, write path and replication lag
  test                            run the whole test suite (it starts its own fleet)
  bench [--duration S] [--rate N] catalog-read and remote-write latency against the running fleet
  drill partition --region R [--mode blackhole|refuse|slow|flap] [--for 30s] [--rate 4] [--json]
                                  fail a reader region's WAN links under load (default: drop every
                                  packet), heal, check that nothing was lost or doubled and that
                                  every answer came within the write timeout + margin; exits 1 if
                                  an invariant fails (POS_DRILL_INJECT=double-sale breaks one)

  loadtest [--duration 60s] [--rate 50] [--mix browse=40,stock=20,checkout=25,lookup=10,restock=5]
           [--warmup 10s|0] [--baseline 10s|0]
           [--out DIR]            POS terminals in every region, open loop; writes
                                  reports/<time>/report.json + report.html; exits 1 on problems
  loadtest --sweep-checkout [--rates 10,20,30,40,60,80] [--step 20s]
                                  highest checkout rate per region with p99 ≤ 100 ms above the RTT floor

  claims --report DIR --sweep DIR copy a load-test run and a sweep to docs/loadtest/ and
                                  regenerate the README's "Latency claims" table from them

  drill failover                  not built yet (tracked by an open issue); it exits 2`

function fail(message: string): never {
  process.stderr.write(`fleet: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a non-negative number (got "${raw}")`)
  return value
}

const log = (line: string) => process.stdout.write(`${line}\n`)

async function up(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { detach: { type: 'boolean' }, 'wan-scale': { type: 'string' } }, strict: true })
  const wanScale = positiveNumber('wan-scale', values['wan-scale'], 1)
  const { endpoints, startupMs } = await fleetUp({ wanScale, log })
  log(`\nfleet ready in ${(startupMs / 1000).toFixed(1)} s — writer ${endpoints.writer}, WAN scale ${wanScale}`)
  for (const [region, e] of Object.entries(endpoints.regions)) {
    log(`  ${region.padEnd(15)} ${e.role.padEnd(7)} storefront ${e.storefront}  inventory ${e.inventoryDelta}${e.paymentsWorker ? `  payments-worker ${e.paymentsWorker}` : ''}`)
  }
  log(`  sandbox payment gateway (emulated PSP) ${endpoints.paymentGateway}; toxiproxy ${endpoints.toxiproxy}`)
  log(`endpoints and demo API keys: ${endpointsFile}`)
  if (values.detach) return
  log('\nrunning in the foreground; Ctrl-C stops the fleet')
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await fleetDown({ log })
}

async function status(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  const s = await fleetStatus()
  if (!s) {
    log('no fleet is running (no endpoints file); start one with `pnpm fleet up --detach`')
    process.exitCode = 1
    return
  }
  if (values.json) {
    log(JSON.stringify(s, null, 2))
    return
  }
  for (const r of s) {
    const services = Object.entries(r.services)
      .map(([name, v]) => `${name} ${v.ready ? 'ready' : 'NOT READY'}`)
      .join(', ')
    log(`${r.region.padEnd(15)} ${r.role.padEnd(7)} write path ${r.writePath.padEnd(4)} lag ${String(r.replicationLagMs ?? '?').padStart(5)} ms  ${services}`)
  }
  if (s.some((r) => Object.values(r.services).some((v) => !v.ready))) process.exitCode = 1
}

async function drillPartition(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      region: { type: 'string' },
      mode: { type: 'string' },
      for: { type: 'string', default: '30s' },
      rate: { type: 'string', default: '4' },
      json: { type: 'boolean' },
    },
    strict: true,
  })
  if (!existsSync(endpointsFile)) fail('no fleet is running: start one with `pnpm fleet up --detach`')
  const endpoints = readEndpoints(endpointsFile)
  let region: RegionId
  let partitionMs: number
  let mode: FaultMode
  let inject: BrokenInvariant | undefined
  try {
    region = parseDrillRegion(values.region, endpoints.writer)
    mode = parseDrillMode(values.mode)
    partitionMs = parseDuration('for', values.for!)
    inject = parseBrokenInvariant(process.env.POS_DRILL_INJECT)
  } catch (err) {
    fail((err as Error).message)
  }
  const rate = positiveNumber('rate', values.rate, 4)
  if (rate === 0) fail('--rate must be above zero')
  const report = await runPartitionDrill(endpoints, { region, mode, partitionMs, rate, convergeTimeoutMs: 90_000, log, ...(inject ? { inject } : {}) })
  log(values.json ? JSON.stringify(report, null, 2) : `\n${formatReport(report)}`)
  if (!report.ok) process.exitCode = 1
}

function requireFleet(): void {
  if (!existsSync(endpointsFile)) fail('no fleet is running: start one with `pnpm fleet up --detach`')
}

async function loadtest(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '60s' },
      rate: { type: 'string', default: '50' },
      mix: { type: 'string' },
      warmup: { type: 'string', default: '10s' },
      baseline: { type: 'string', default: '10s' },
      out: { type: 'string' },
      'sweep-checkout': { type: 'boolean' },
      rates: { type: 'string', default: '10,20,30,40,60,80' },
      step: { type: 'string', default: '20s' },
    },
    strict: true,
  })
  // Bad flags are reported before anything else, whether or not a fleet is running.
  if (values['sweep-checkout']) return checkoutSweep(values.rates!, values.step!, values.out)
  let options: LoadtestOptions
  try {
    options = {
      durationS: parseDuration('duration', values.duration!) / 1000,
      ratePerRegion: positiveNumber('rate', values.rate, 50),
      mix: values.mix ? parseMix(values.mix) : DEFAULT_MIX,
      warmupS: /^0+s?$/.test(values.warmup!) ? 0 : parseDuration('warmup', values.warmup!) / 1000,
      // 0 skips the side-by-side baseline phase (a sweep or a quick check does not need it).
      baselineS: /^0+s?$/.test(values.baseline!) ? 0 : parseDuration('baseline', values.baseline!) / 1000,
    }
  } catch (err) {
    fail((err as Error).message)
  }
  if (options.ratePerRegion <= 0) fail('--rate must be above zero')
  requireFleet()
  const tty = process.stderr.isTTY
  options.onProgress = (elapsed, total, done, errors) => {
    const width = 30
    const filled = Math.min(width, Math.round((elapsed / total) * width))
    const line = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.min(elapsed, total).toFixed(0)}/${total} s  ${done} requests  ${errors} errors`
    if (tty) process.stderr.write(`\r${line}`)
    else if (Math.round(elapsed) % 10 === 0) process.stderr.write(`${line}\n`)
  }
  const { report, dir } = await loadtestToReport(readEndpoints(endpointsFile), options, values.out)
  if (tty) process.stderr.write('\n')
  log(`\n${summarizeReport(report)}\n\nreport: ${dir}/report.html`)
  if (report.problems.length > 0) process.exitCode = 1
}

async function checkoutSweep(ratesRaw: string, stepRaw: string, outRoot: string | undefined): Promise<void> {
  const rates = ratesRaw.split(',').map((r) => Number(r))
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) fail(`--rates must be positive numbers, comma-separated (got "${ratesRaw}")`)
  let stepS = 10
  try {
    stepS = parseDuration('step', stepRaw) / 1000
  } catch (err) {
    fail((err as Error).message)
  }
  requireFleet()
  const budgetMs = 100
  log(`checkout sweep: checkout-only load in every region at ${rates.join(', ')} /s, ${stepS} s each; sustained = p99 within ${budgetMs} ms above the RTT floor, no errors`)
  const { steps, sustained } = await sweepCheckout(readEndpoints(endpointsFile), {
    rates,
    stepS,
    budgetMs,
    onStep: (step) =>
      log(`  ${String(step.rate).padStart(5)}/s  ${Object.entries(step.regions).map(([r, v]) => `${r} +${v.overheadP99Ms.toFixed(1)} ms p99${v.errors ? ` ${v.errors} errors` : ''}`).join('   ')}`),
  })
  log(`highest sustained checkout rate per region: ${Object.entries(sustained).map(([r, v]) => `${r} ${v}/s`).join(', ')}`)
  const dir = join(outRoot ?? join(repoRoot, 'reports'), `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify({ budgetMs, stepS, rates, steps, sustained }, null, 2)}\n`)
  log(`steps: ${dir}/sweep.json`)
}

/** Publishes a run as the README's evidence: the table is generated from the copied files. */
function claims(args: string[]): void {
  const { values } = parseArgs({ args, options: { report: { type: 'string' }, sweep: { type: 'string' } }, strict: true })
  if (!values.report || !values.sweep) fail('claims needs --report reports/<time> and --sweep reports/sweep-<time>')
  const docs = join(repoRoot, 'docs/loadtest')
  const files = [join(values.report, 'report.json'), join(values.report, 'report.html'), join(values.sweep, 'sweep.json')]
  // All or nothing: a missing file must not leave docs/ half replaced.
  for (const from of files) if (!existsSync(from)) fail(`no ${from}`)
  mkdirSync(docs, { recursive: true })
  for (const from of files) copyFileSync(from, join(docs, basename(from)))
  writeClaims(join(repoRoot, 'README.md'), join(docs, 'report.json'), join(docs, 'sweep.json'), { report: 'docs/loadtest/report.json', sweep: 'docs/loadtest/sweep.json' })
  log('README.md "Latency claims" regenerated from docs/loadtest/')
}

function runTests(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['test', ...args], { cwd: repoRoot, stdio: 'inherit' })
    child.once('exit', (code) => {
      process.exitCode = code ?? 1
      resolve()
    })
  })
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  switch (command) {
    case 'up':
      return up(rest)
    case 'down':
      parseArgs({ args: rest, options: {}, strict: true })
      return fleetDown({ log })
    case 'status':
      return status(rest)
    case 'test':
      return runTests(rest)
    case 'bench': {
      const { runBench } = await import('./bench.js')
      return runBench(rest, log)
    }
    case 'drill':
      if (rest[0] === 'partition') return drillPartition(rest.slice(1))
      fail(`'${[command, ...rest].join(' ')}' is not built yet (tracked by an open issue)`)
    case 'loadtest':
      return loadtest(rest)
    case 'claims':
      return claims(rest)
    case undefined:
    case 'help':
    case '--help':
      log(USAGE)
      return
    default:
      fail(`unknown command '${command}'`)
  }
}

main(process.argv.slice(2)).catch(async (err: Error) => {
  process.stderr.write(`fleet: ${err.message}\n`)
  await sleep(10)
  process.exit(1)
})
