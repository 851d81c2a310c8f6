import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'

// Before any fleet module computes its paths: a state dir of this test's own, never a running fleet's.
const stateDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/pos-fleet-cli-test-${process.pid}`
  process.env.POS_FLEET_STATE_DIR = dir
  return dir
})

const { runCli } = await import('./program.js')

async function fleet(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}

const NO_FLEET = 'fleet: no fleet is running: start one with `pnpm fleet up --detach`\n'

beforeEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

describe('fleet', () => {
  it('prints the command list for no command and for --help, exit 0', async () => {
    for (const argv of [[], ['--help']]) {
      const r = await fleet(...argv)
      expect(r.code).toBe(0)
      for (const command of ['up', 'down', 'status', 'test', 'bench', 'drill', 'failover', 'gitops', 'loadtest', 'claims', 'console']) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    }
  })

  it('gives every command its own help', async () => {
    for (const argv of [['up'], ['down'], ['status'], ['test'], ['bench'], ['loadtest'], ['drill', 'partition'], ['drill', 'failover'], ['failover'], ['claims'], ['gitops', 'up'], ['gitops', 'flip-writer'], ['gitops', 'down'], ['console']]) {
      const r = await fleet(...argv, '--help')
      expect(r.code, argv.join(' ')).toBe(0)
      expect(r.stdout, argv.join(' ')).toContain(`Usage: fleet ${argv.join(' ')}`)
    }
  })

  it('refuses an unknown command with exit 2', async () => {
    const r = await fleet('nope')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("fleet: unknown command 'nope'")
  })

  it('refuses an unknown flag and stray arguments, naming them, with exit 2', async () => {
    expect(await fleet('up', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining("fleet: unknown option '--bogus'") })
    expect(await fleet('down', 'now')).toMatchObject({ code: 2, stderr: expect.stringContaining("too many arguments for 'down'") })
  })
})

describe('flags are checked before the fleet guard, and nothing starts', () => {
  const bad: Array<[string[], string]> = [
    [['up', '--wan-scale', '-1'], "option '--wan-scale <factor>' argument '-1' is invalid. expected a number of at least 0"],
    [['up', '--wan-scale', 'fast'], "option '--wan-scale <factor>' argument 'fast' is invalid. expected a number"],
    [['up', '--durability', 'sync'], "option '--durability <mode>' argument 'sync' is invalid. Allowed choices are async, semi-sync."],
    [['status', '--json', 'now'], "too many arguments for 'status'. Expected 0 arguments but got 1."],
    [['bench', '--duration', '20'], "option '--duration <duration>' argument '20' is invalid. a duration needs a unit, e.g. 20s"],
    [['bench', '--duration', 'soon'], "option '--duration <duration>' argument 'soon' is invalid. expected a duration such as 60s, 500ms or 2m"],
    [['bench', '--rate', '0'], "option '--rate <n>' argument '0' is invalid. expected a number above 0"],
    [['bench', '--writes', '1.5'], "option '--writes <n>' argument '1.5' is invalid. expected an integer"],
    [['loadtest', '--duration', '0'], "option '--duration <duration>' argument '0' is invalid. must be longer than zero"],
    [['loadtest', '--warmup', 'later'], "option '--warmup <duration>' argument 'later' is invalid. expected a duration such as 60s, 500ms, 2m or 0 (off)"],
    [['loadtest', '--baseline', '-2s'], "option '--baseline <duration>' argument '-2s' is invalid. a duration cannot be negative"],
    [['loadtest', '--mix', 'dance=3'], "option '--mix <weights>' argument 'dance=3' is invalid. unknown operation \"dance\""],
    [['loadtest', '--mix', 'browse=0'], "option '--mix <weights>' argument 'browse=0' is invalid. needs at least one positive weight"],
    [['loadtest', '--sweep-checkout', '--rates', '10,,20'], "option '--rates <list>' argument '10,,20' is invalid. expected rates above zero"],
    [['loadtest', '--sweep-checkout', '--step', '5'], "option '--step <duration>' argument '5' is invalid. a duration needs a unit"],
    [['drill', 'partition'], "required option '--region <region>' not specified"],
    [['drill', 'partition', '--region', 'mars'], "option '--region <region>' argument 'mars' is invalid. Allowed choices are ap-southeast-1, eu-central-1, us-east-1."],
    [['drill', 'partition', '--region', 'eu-central-1', '--for', '10'], "option '--for <duration>' argument '10' is invalid. a duration needs a unit, e.g. 10s"],
    [['drill', 'partition', '--region', 'eu-central-1', '--rate', '-4'], "option '--rate <n>' argument '-4' is invalid. expected a number above 0"],
    [['drill', 'partition', '--region', 'eu-central-1', '--mode', 'cut'], "option '--mode <mode>' argument 'cut' is invalid. Allowed choices are blackhole, refuse, slow, flap."],
    [['drill', 'failover', '--to', 'mars'], "option '--to <region>' argument 'mars' is invalid. Allowed choices are ap-southeast-1, eu-central-1, us-east-1."],
    [['drill', 'failover', '--lag', '2'], "option '--lag <duration>' argument '2' is invalid. a duration needs a unit, e.g. 2s"],
    [['claims', '--report', 'reports/x'], "required option '--sweep <dir>' not specified"],
    [['failover'], "required option '--to <region>' not specified"],
    [['failover', '--to', 'eu-west-9'], "option '--to <region>' argument 'eu-west-9' is invalid. Allowed choices are ap-southeast-1, eu-central-1, us-east-1."],
    [['failover', '--to', 'eu-central-1', '--catch-up-timeout', '10'], "option '--catch-up-timeout <duration>' argument '10' is invalid. a duration needs a unit, e.g. 10s"],
    [['failover', '--to', 'eu-central-1', 'now'], "too many arguments for 'failover'. Expected 0 arguments but got 1."],
    [['console', '--port', '80.5'], "option '--port <port>' argument '80.5' is invalid. expected an integer"],
    [['console', '--port', '0'], "option '--port <port>' argument '0' is invalid. expected an integer of at least 1"],
  ]
  it.each(bad)('fleet %j → exit 2', async (argv, message) => {
    const r = await fleet(...argv)
    expect(r.stderr).toContain(`fleet: ${message}`)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(existsSync(join(stateDir, 'processes.json'))).toBe(false)
  })
})

describe('commands that need a fleet', () => {
  const needing = [
    ['status'],
    ['bench', '--duration', '5s'],
    ['loadtest', '--warmup', '0', '--baseline', '0'],
    ['loadtest', '--sweep-checkout', '--rates', '10,20', '--step', '2s'],
    ['drill', 'partition', '--region', 'eu-central-1', '--for', '5s'],
    ['failover', '--to', 'eu-central-1'],
    ['drill', 'failover', '--to', 'eu-central-1', '--lag', '2s'],
    ['console'],
  ].map((argv) => [argv])
  it.each(needing)('fleet %j without a fleet → the guard, exit 2', async (argv) => {
    expect(await fleet(...argv)).toEqual({ code: 2, stdout: '', stderr: NO_FLEET })
  })

  it('prints the cause chain under the message, without a stack trace', async () => {
    mkdirSync(stateDir, { recursive: true })
    writeFileSync(join(stateDir, 'endpoints.json'), '{}')
    writeFileSync(join(stateDir, 'processes.json'), '[{')
    const r = await fleet('status')
    expect(r.code).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).toBe('fleet: cannot tell whether the fleet is running: stop what is left with `pnpm fleet down`, then `pnpm fleet up --detach`')
    expect(lines[1]).toMatch(/^caused by: cannot read .*processes\.json \(delete it if no fleet is running\): /)
    expect(r.stderr).not.toMatch(/^\s+at /m)
  })

  it('prints stack traces with --verbose', async () => {
    const r = await fleet('--verbose', 'status')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^fleet: FleetError: no fleet is running/)
    expect(r.stderr).toMatch(/^\s+at requireRunningFleet /m)
  })
})

describe('commands without a fleet', () => {
  it('drill failover refuses a --lag the replicas would time out, before looking for a fleet', async () => {
    expect(await fleet('drill', 'failover', '--lag', '5s')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'fleet: --lag 5000 ms is longer than 3s: the replicas would reconnect (slave_net_timeout 4 s) and the backlog would not be a backlog\n',
    })
  })

  it('bench refuses a flag of the other mode, exit 2, before looking for a fleet', async () => {
    expect(await fleet('bench', '--connections', '8')).toMatchObject({ code: 2, stderr: 'fleet: --connections applies only with --saturate\n' })
    expect(await fleet('bench', '--saturate', '--rate', '100', '--writes', '3')).toMatchObject({ code: 2, stderr: 'fleet: --rate, --writes apply only without --saturate\n' })
  })

  it('claims refuses missing run folders, copying nothing', async () => {
    const r = await fleet('claims', '--report', join(stateDir, 'no-run'), '--sweep', join(stateDir, 'no-sweep'), '--saturation', join(stateDir, 'no-saturation'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^fleet: no .*no-run\/report\.json, .*no-run\/report\.html, .*no-sweep\/sweep\.json, .*no-saturation\/saturation\.json: nothing was copied\n$/)
  })
})

describe('fleet gitops', () => {
  it('refuses flip-writer with no control plane running, exit 2, naming the command that starts one', async () => {
    const r = await fleet('gitops', 'flip-writer', '--to', 'eu-central-1')
    expect(r).toMatchObject({ code: 2, stderr: 'fleet: no GitOps control plane is running: start one with `pnpm fleet gitops up`\n' })
  })

  it('rejects a bad region or duration before anything starts, exit 2', async () => {
    expect((await fleet('gitops', 'flip-writer', '--to', 'mars-east-1')).stderr).toMatch(/--to <region>.*mars-east-1/)
    const r = await fleet('gitops', 'up', '--timeout', '5x')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--timeout <duration>.*5x/)
    expect(existsSync(join(stateDir, 'gitops'))).toBe(false)
  })

  it('down with nothing running says so and exits 0', async () => {
    expect(await fleet('gitops', 'down')).toMatchObject({ code: 0, stdout: 'no GitOps control plane was running; state removed\n' })
  })
})
