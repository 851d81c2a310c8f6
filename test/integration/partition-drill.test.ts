import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { runPartitionDrill } from '../../packages/fleet/src/drill/partition-drill.js'
import type { FaultMode } from '../../packages/fleet/src/infra/toxiproxy.js'
import { repoRoot } from '../../packages/fleet/src/infra/paths.js'
import { fleet } from '../support/fleet.js'

/**
 * The drill under load in the shapes CI runs: every packet dropped for 8 s, and a link
 * flapping for 10 s (4 s cut, 2 s healed: each cut outlasts the answer bound, so a sale
 * that waited for the link instead of its deadline would show).
 */
describe('fleet drill partition', () => {
  it.each<[FaultMode, string, number]>([
    ['blackhole', 'drops every packet of a reader region for 8 s', 8_000],
    ['flap', 'flaps a reader region’s links (4 s cut, 2 s up) for 10 s', 10_000],
  ])('%s: %s under load, answers every request within the bound, and loses and doubles nothing', async (mode, _what, partitionMs) => {
    const report = await runPartitionDrill(fleet, {
      region: 'us-east-1',
      mode,
      partitionMs,
      rate: 3,
      convergeTimeoutMs: 60_000,
      log: () => undefined,
    })
    process.stderr.write(`[drill ${mode}] slowest answer ${report.slowestAnswer.ms} ms (${report.slowestAnswer.kind} ${report.slowestAnswer.status}); converged in ${report.convergeMs} ms\n`)
    expect(report.perRegion['us-east-1'].salesOffline).toBeGreaterThan(0)
    expect(report.perRegion['ap-southeast-1'].salesOffline).toBe(0)
    expect(report.lost).toBe(0)
    expect(report.duplicated).toBe(0)
    expect(report.paymentsCapturedOnce).toBe(true)
    expect(report.stockConverged).toBe(true)
    expect(report.slowestAnswer.status).not.toBeNull()
    expect(report.slowestAnswer.ms / 1000).toBeLessThanOrEqual(report.answerBoundMs / 1000)
    expect(report.ok).toBe(true)
  }, 120_000)

  it('exits non-zero when an invariant breaks (a sale sent twice under two keys)', async () => {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(`${repoRoot}/node_modules/.bin/tsx`, ['packages/fleet/src/cli.ts', 'drill', 'partition', '--region', 'us-east-1', '--mode', 'refuse', '--for', '2s', '--rate', '1'], {
        cwd: repoRoot,
        env: { ...process.env, POS_DRILL_INJECT: 'double-sale' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.on('error', reject)
      child.on('close', (c) => resolve({ code: c, stdout: out }))
    })
    expect(stdout).toMatch(/duplicated\s+1\s+<-- FAIL/)
    expect(stdout).toMatch(/^FAIL$/m)
    expect(code).toBe(1)
  }, 120_000)
})
