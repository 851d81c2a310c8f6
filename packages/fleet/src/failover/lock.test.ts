import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'

const stateDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/pos-fleet-lock-test-${process.pid}`
  process.env.POS_FLEET_STATE_DIR = dir
  return dir
})

const { acquireFailoverLock, failoverLockFile } = await import('./lock.js')

beforeEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
  mkdirSync(stateDir, { recursive: true })
})
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

describe('the failover lock', () => {
  it('refuses a second failover while one holds it, with exit 2, and frees on release', () => {
    const release = acquireFailoverLock()
    expect(() => acquireFailoverLock()).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^another failover is running \(pid \d+/) }))
    release()
    expect(existsSync(failoverLockFile)).toBe(false)
    acquireFailoverLock()()
  })

  it('takes over a lock whose holder died', () => {
    // No process has pid 2^22 + 1 (above Linux's pid_max limit).
    writeFileSync(failoverLockFile, `${2 ** 22 + 1}\n`)
    const release = acquireFailoverLock()
    release()
  })
})
