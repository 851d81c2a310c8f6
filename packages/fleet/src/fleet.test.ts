import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// Before any fleet module computes its paths: a state dir of this test's own, never a running fleet's.
const stateDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/pos-fleet-guard-test-${process.pid}`
  process.env.POS_FLEET_STATE_DIR = dir
  return dir
})

const { requireRunningFleet } = await import('./fleet.js')
const { FleetError } = await import('./errors.js')
const { startProcess, stopAll } = await import('./infra/processes.js')

const endpoints = { writer: 'ap-southeast-1', wanScale: 1 }

function guardError(): InstanceType<typeof FleetError> {
  try {
    requireRunningFleet()
  } catch (error) {
    expect(error).toBeInstanceOf(FleetError)
    return error as InstanceType<typeof FleetError>
  }
  throw new Error('the guard let a fleet that is not running pass')
}

beforeEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
  mkdirSync(stateDir, { recursive: true })
})
afterEach(() => stopAll(1_000))
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

describe('requireRunningFleet', () => {
  it('says no fleet is running when fleet up published no endpoints (exit 2)', () => {
    expect(guardError()).toMatchObject({ exitCode: 2, message: 'no fleet is running: start one with `pnpm fleet up --detach`' })
  })

  it('returns the endpoints while every recorded process runs', async () => {
    writeFileSync(join(stateDir, 'endpoints.json'), JSON.stringify(endpoints))
    await startProcess({ name: 'storefront-x', command: 'sleep', args: ['60'], ports: [] })
    await startProcess({ name: 'kafka-x', command: 'sleep', args: ['60'], ports: [] })
    expect(requireRunningFleet()).toEqual(endpoints)
  })

  it('names the processes that stopped when the endpoints outlived them (exit 2)', async () => {
    writeFileSync(join(stateDir, 'endpoints.json'), JSON.stringify(endpoints))
    await startProcess({ name: 'storefront-x', command: 'sleep', args: ['60'], ports: [] })
    const crashed = await startProcess({ name: 'kafka-x', command: 'sleep', args: ['60'], ports: [] })
    process.kill(-crashed.pgid, 'SIGKILL')
    await crashed.exited
    expect(guardError()).toMatchObject({
      exitCode: 2,
      message: 'the fleet is not running (kafka-x stopped): stop what is left with `pnpm fleet down`, then `pnpm fleet up --detach`',
    })
  })

  it('refuses endpoints with no process recorded (exit 2)', () => {
    writeFileSync(join(stateDir, 'endpoints.json'), JSON.stringify(endpoints))
    expect(guardError()).toMatchObject({ exitCode: 2, message: expect.stringContaining('the fleet is not running (no process is recorded)') })
  })

  it('carries the parse error as the cause of unreadable endpoints (exit 2)', async () => {
    writeFileSync(join(stateDir, 'endpoints.json'), '{"writer":')
    await startProcess({ name: 'storefront-x', command: 'sleep', args: ['60'], ports: [] })
    const error = guardError()
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^cannot read .*endpoints\.json: /) })
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })
})
