import { readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'

// Before paths.ts is loaded: a registry of this test's own, never a running fleet's.
const stateDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/pos-fleet-processes-test-${process.pid}`
  process.env.POS_FLEET_STATE_DIR = dir
  return dir
})

const { isPortFree, isRunning, listProcesses, retryUntil, runCommand, startProcess, stopAll, stopProcess, untilReady, waitForHttp } = await import('./processes.js')

const node = process.execPath

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

afterEach(async () => {
  await stopAll(1_000)
})
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

describe('startProcess and stopAll', () => {
  it('records a detached process with its log, and stops its whole process group', async () => {
    // The shell forks a grandchild and reports its pid: stopping must reach it too.
    const proc = await startProcess({ name: 'forker', command: 'sh', args: ['-c', 'sleep 60 & echo "child $!"; wait'], ports: [] })
    const grandchild = Number(await retryUntil('the grandchild pid in the log', 5_000, async () => /child (\d+)/.exec(readFileSync(proc.log, 'utf8'))![1]))
    expect(listProcesses()).toEqual([expect.objectContaining({ name: 'forker', pid: proc.pid, pgid: proc.pid, log: proc.log })])
    expect(isRunning(proc)).toBe(true)
    expect(alive(grandchild)).toBe(true)

    await stopAll(2_000)
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' })
    await retryUntil('the grandchild to be gone', 5_000, async () => expect(alive(grandchild)).toBe(false))
    expect(isRunning(proc)).toBe(false)
    expect(listProcesses()).toEqual([])
  })

  it('kills with SIGKILL what ignores SIGTERM beyond the grace period, and frees its port', async () => {
    const port = await freePort()
    const script = `process.on('SIGTERM', () => {}); require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`
    const proc = await startProcess({ name: 'stubborn', command: node, args: ['-e', script], ports: [port] })
    await untilReady(proc, (signal) => waitForHttp(`http://127.0.0.1:${port}/`, 10_000, signal))
    expect(await isPortFree(port)).toBe(false)

    await stopAll(300)
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGKILL' })
    expect(await isPortFree(port)).toBe(true)
  })

  it('refuses to start on a port in use, naming the port, and starts nothing', async () => {
    const port = await freePort()
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve))
    try {
      await expect(startProcess({ name: 'late', command: 'sleep', args: ['60'], ports: [port] })).rejects.toThrow(`cannot start late: port ${port} already in use`)
      expect(listProcesses()).toEqual([])
    } finally {
      holder.close()
    }
  })

  it('fails clearly when the command does not exist', async () => {
    await expect(startProcess({ name: 'ghost', command: '/nonexistent/ghost', args: [], ports: [] })).rejects.toThrow(/cannot start ghost \(\/nonexistent\/ghost\): spawn \/nonexistent\/ghost ENOENT/)
    expect(listProcesses()).toEqual([])
  })
})

describe('stopProcess', () => {
  it('stops one process group for good and drops it from the registry, leaving the others', async () => {
    const helper = await startProcess({ name: 'helper', command: 'sh', args: ['-c', 'sleep 60 & wait'], ports: [] })
    const other = await startProcess({ name: 'other', command: 'sleep', args: ['60'], ports: [] })
    await stopProcess('helper', 2_000)
    expect(isRunning(helper)).toBe(false)
    expect(listProcesses().map((p) => p.name)).toEqual(['other'])
    expect(isRunning(other)).toBe(true)
  })

  it('drops a process that already exited', async () => {
    const done = await startProcess({ name: 'done', command: node, args: ['-e', '0'], ports: [] })
    await done.exited
    await stopProcess('done')
    expect(listProcesses()).toEqual([])
  })
})

describe('untilReady', () => {
  it('reports a process that exits before it is ready, with the tail of its log', async () => {
    const proc = await startProcess({ name: 'quitter', command: node, args: ['-e', 'console.error("bad config: no port"); process.exit(3)'], ports: [] })
    const neverReady = (signal: AbortSignal) => retryUntil('never', 10_000, async () => Promise.reject(new Error('not yet')), { signal })
    await expect(untilReady(proc, neverReady)).rejects.toThrow(/quitter exited \(code 3\) before it was ready\n--- last lines of .*quitter\.log ---\nbad config: no port/)
  })

  it('answers the probe once ready', async () => {
    const proc = await startProcess({ name: 'sleeper', command: 'sleep', args: ['60'], ports: [] })
    expect(await untilReady(proc, async () => 'ready')).toBe('ready')
  })
})

describe('runCommand', () => {
  it('saves the output of a command that succeeds', async () => {
    const log = `${stateDir}/logs/ok.log`
    await runCommand('greeting', node, ['-e', 'console.log("out"); console.error("err")'], { log })
    expect(readFileSync(log, 'utf8')).toBe('out\nerr')
  })

  it('throws with the exit code and the tail of the output', async () => {
    const log = `${stateDir}/logs/fail.log`
    const script = 'for (let i = 1; i <= 20; i++) console.log("line " + i); process.exit(4)'
    const error = await runCommand('counting', node, ['-e', script], { log }).catch((e: Error) => e)
    expect((error as Error).message).toBe(`counting failed (code 4)\n--- last lines of ${log} ---\n${Array.from({ length: 15 }, (_, i) => `line ${i + 6}`).join('\n')}`)
  })

  it('says when the command cannot run at all', async () => {
    await expect(runCommand('nothing', '/nonexistent/tool', [], { log: `${stateDir}/logs/none.log` })).rejects.toThrow(/^cannot run nothing \(\/nonexistent\/tool\): /)
  })
})

describe('retryUntil', () => {
  it('retries until the attempt succeeds', async () => {
    let attempts = 0
    const value = await retryUntil('the third attempt', 5_000, async () => {
      if (++attempts < 3) throw new Error(`attempt ${attempts}`)
      return 'done'
    }, { intervalMs: 10 })
    expect({ value, attempts }).toEqual({ value: 'done', attempts: 3 })
  })

  it('retries whatever the attempt throws, a TypeError too', async () => {
    let attempts = 0
    const value = await retryUntil('data to appear', 5_000, async () => {
      const found = ++attempts < 3 ? null : ['done']
      return found![0]
    }, { intervalMs: 10 })
    expect({ value, attempts }).toEqual({ value: 'done', attempts: 3 })
    const error = (await retryUntil('never', 100, async () => (null as unknown as string[])[0], { intervalMs: 10 }).catch((e: Error) => e)) as Error
    expect(error.message).toMatch(/^timed out after 100 ms waiting for never: Cannot read properties of null/)
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it('gives up after the timeout with the last error as the cause', async () => {
    const last = new Error('still refused')
    const error = (await retryUntil('the port', 200, async () => Promise.reject(last), { intervalMs: 20 }).catch((e: Error) => e)) as Error
    expect(error.message).toBe('timed out after 200 ms waiting for the port: still refused')
    expect(error.cause).toBe(last)
  })

  it('stops at once when aborted', async () => {
    const controller = new AbortController()
    const waiting = retryUntil('forever', 60_000, async () => Promise.reject(new Error('no')), { intervalMs: 50, signal: controller.signal })
    await sleep(20)
    controller.abort(new Error('start-up failed elsewhere'))
    await expect(waiting).rejects.toThrow('start-up failed elsewhere')
  })
})
