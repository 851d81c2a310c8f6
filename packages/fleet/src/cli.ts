import { parseArgs } from 'node:util'
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { existsSync } from 'node:fs'
import type { RegionId } from '@pos-fleet/topology'
import { parseDuration } from './drill/duration.js'
import { formatReport, parseDrillRegion, runPartitionDrill } from './drill/partition-drill.js'
import { endpointsFile, readEndpoints } from './endpoints.js'
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
  drill partition --region R [--for 30s] [--rate 4] [--json]
                                  cut a reader region's WAN links under load, heal, check that
                                  nothing was lost or doubled; exits 1 if an invariant fails

  drill failover | loadtest       not built yet (tracked by open issues); they exit 2`

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
    options: { region: { type: 'string' }, for: { type: 'string', default: '30s' }, rate: { type: 'string', default: '4' }, json: { type: 'boolean' } },
    strict: true,
  })
  if (!existsSync(endpointsFile)) fail('no fleet is running: start one with `pnpm fleet up --detach`')
  const endpoints = readEndpoints(endpointsFile)
  let region: RegionId
  let partitionMs: number
  try {
    region = parseDrillRegion(values.region, endpoints.writer)
    partitionMs = parseDuration('for', values.for!)
  } catch (err) {
    fail((err as Error).message)
  }
  const rate = positiveNumber('rate', values.rate, 4)
  if (rate === 0) fail('--rate must be above zero')
  const report = await runPartitionDrill(endpoints, { region, partitionMs, rate, convergeTimeoutMs: 90_000, log })
  log(values.json ? JSON.stringify(report, null, 2) : `\n${formatReport(report)}`)
  if (!report.ok) process.exitCode = 1
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
      fail(`'${[command, ...rest].join(' ')}' is not built yet (tracked by an open issue)`)
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
