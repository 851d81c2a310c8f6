import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('untilSignalled', () => {
  it('keeps a process with nothing else to do alive until SIGINT, then lets it finish', async () => {
    const module = fileURLToPath(new URL('./signals.ts', import.meta.url))
    const script = `import { untilSignalled } from ${JSON.stringify(module)}; console.log('waiting'); console.log(await untilSignalled())`
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = once(child, 'exit')
    await new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('waiting') && resolve()))
    // Still there a moment later: an empty event loop would have ended it with code 13.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(child.exitCode).toBeNull()
    child.kill('SIGINT')
    expect(await exited).toEqual([0, null])
    expect(out).toBe('waiting\nsignal\n')
  })

  it('ends with "gone" once what it holds was stopped elsewhere, polling the predicate', async () => {
    const { untilSignalled } = await import('./signals.js')
    let stoppedElsewhere = false
    let polls = 0
    const listeners = process.listenerCount('SIGINT')
    const waiting = untilSignalled({ gone: () => (polls++, stoppedElsewhere), pollMs: 10 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(polls).toBeGreaterThan(0)
    expect(process.listenerCount('SIGINT')).toBe(listeners + 1)
    stoppedElsewhere = true
    expect(await waiting).toBe('gone')
    // Its SIGINT listener went with it: a later Ctrl-C is not swallowed by a finished wait.
    expect(process.listenerCount('SIGINT')).toBe(listeners)
  })
})
