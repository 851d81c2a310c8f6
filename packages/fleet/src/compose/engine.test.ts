import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'

// Before any fleet module computes its paths: a state dir of this test's own, and a PATH whose
// docker finds no engine and whose dockerd cannot start (the failure path only).
const dirs = vi.hoisted(() => {
  const root = `${process.env.TMPDIR ?? '/tmp'}/pos-fleet-engine-test-${process.pid}`
  const bin = `${root}/bin`
  process.env.POS_FLEET_STATE_DIR = `${root}/state`
  process.env.PATH = `${bin}:${process.env.PATH}`
  return { root, bin, state: `${root}/state` }
})
mkdirSync(dirs.bin, { recursive: true })
const script = (name: string, body: string) => {
  writeFileSync(join(dirs.bin, name), `#!/bin/sh\n${body}\n`)
  chmodSync(join(dirs.bin, name), 0o755)
}
script('docker', 'echo "Cannot connect to the Docker daemon" >&2; exit 1')
script('dockerd', 'echo "level=info msg=\\"Starting up\\""; echo "failed to start daemon: Error initializing network controller: iptables not found"; exit 1')

const { ensureEngine } = await import('./engine.js')
const { FleetError } = await import('../errors.js')

afterAll(() => rmSync(dirs.root, { recursive: true, force: true }))

describe('ensureEngine', () => {
  it('reports a dockerd that cannot start with its log’s last lines, exit 1, and leaves nothing running or recorded', async () => {
    const error = await ensureEngine(() => undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FleetError)
    expect((error as InstanceType<typeof FleetError>).exitCode).toBe(1)
    expect((error as Error).message).toMatch(/^dockerd exited before it answered; nothing is left running\n--- last lines of .*dockerd\.log ---\n/)
    expect((error as Error).message).toContain('failed to start daemon: Error initializing network controller: iptables not found')
    expect(existsSync(join(dirs.state, 'compose', 'dockerd.json'))).toBe(false)
    expect(readdirSync(join(dirs.state, 'compose'))).toEqual(['dockerd.log'])
  })
})
