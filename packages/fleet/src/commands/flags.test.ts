import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MIX } from '../loadtest/options.js'
import { benchCommand } from './bench.js'
import { createContext } from './context.js'
import { drillPartitionCommand } from './drill-partition.js'
import { failoverCommand } from './failover.js'
import { loadtestCommand } from './loadtest.js'
import { testCommand } from './test.js'
import { upCommand } from './up.js'

const ctx = createContext({ stdout: () => undefined, stderr: () => undefined })

/** The values a command's action would receive, its action replaced: nothing runs. */
async function flagsOf(command: Command, argv: string[]): Promise<unknown[]> {
  let received: unknown[] = []
  await command
    .exitOverride()
    .action((...args: unknown[]) => {
      received = args.slice(0, -1)
    })
    .parseAsync(argv, { from: 'user' })
  return received
}

describe('flags reach each command typed, defaults included', () => {
  it('up', async () => {
    expect(await flagsOf(upCommand(ctx), [])).toEqual([{ detach: false, wanScale: 1, durability: 'async', observe: false }])
    expect(await flagsOf(upCommand(ctx), ['--detach', '--wan-scale', '0', '--durability', 'semi-sync', '--observe'])).toEqual([
      { detach: true, wanScale: 0, durability: 'semi-sync', observe: true },
    ])
  })

  it('bench: durations in milliseconds', async () => {
    const defaults = { saturate: false, connections: 16, warmup: 3_000 }
    expect(await flagsOf(benchCommand(ctx), [])).toEqual([{ duration: 20_000, rate: 500, writes: 30, ...defaults }])
    expect(await flagsOf(benchCommand(ctx), ['--duration', '5s', '--rate', '12.5', '--writes', '3'])).toEqual([{ duration: 5_000, rate: 12.5, writes: 3, ...defaults }])
  })

  it('bench --saturate: regions from the topology, connections an integer', async () => {
    const [flags] = await flagsOf(benchCommand(ctx), ['--saturate', '--region', 'eu-central-1', 'us-east-1', '--connections', '8', '--warmup', '0'])
    expect(flags).toMatchObject({ saturate: true, region: ['eu-central-1', 'us-east-1'], connections: 8, warmup: 0 })
    await expect(flagsOf(benchCommand(ctx), ['--saturate', '--region', 'mars-1'])).rejects.toThrow(/mars-1/)
    await expect(flagsOf(benchCommand(ctx), ['--saturate', '--connections', '1.5'])).rejects.toThrow(/integer/)
  })

  it('loadtest: the POS mix by default, 0 switches the warm-up and baseline off', async () => {
    expect(await flagsOf(loadtestCommand(ctx), [])).toEqual([
      { duration: 60_000, rate: 50, mix: DEFAULT_MIX, warmup: 10_000, baseline: 10_000, sweepCheckout: false, rates: [10, 20, 30, 40, 60, 80], step: 20_000 },
    ])
    const [flags] = await flagsOf(loadtestCommand(ctx), ['--duration', '2m', '--warmup', '0', '--baseline', '0s', '--mix', 'checkout=1', '--out', '/tmp/x'])
    expect(flags).toMatchObject({ duration: 120_000, warmup: 0, baseline: 0, mix: { browse: 0, stock: 0, checkout: 1, lookup: 0, restock: 0 }, out: '/tmp/x' })
    expect(await flagsOf(loadtestCommand(ctx), ['--sweep-checkout', '--rates', '5,7.5', '--step', '500ms'])).toMatchObject([{ sweepCheckout: true, rates: [5, 7.5], step: 500 }])
  })

  it('drill partition', async () => {
    expect(await flagsOf(drillPartitionCommand(ctx), ['--region', 'us-east-1'])).toEqual([{ region: 'us-east-1', mode: 'blackhole', for: 30_000, rate: 4, json: false }])
    expect(await flagsOf(drillPartitionCommand(ctx), ['--region', 'eu-central-1', '--mode', 'flap', '--for', '1.5m', '--json'])).toEqual([
      { region: 'eu-central-1', mode: 'flap', for: 90_000, rate: 4, json: true },
    ])
  })

  it('failover', async () => {
    expect(await flagsOf(failoverCommand(ctx), ['--to', 'eu-central-1'])).toEqual([{ to: 'eu-central-1', catchUpTimeout: 10_000, json: false }])
    expect(await flagsOf(failoverCommand(ctx), ['--to', 'us-east-1', '--catch-up-timeout', '30s', '--json'])).toEqual([{ to: 'us-east-1', catchUpTimeout: 30_000, json: true }])
  })

  it('test passes its arguments, options too, on to vitest', async () => {
    expect(await flagsOf(testCommand(ctx), ['--project', 'unit', 'x.test.ts'])).toEqual([['--project', 'unit', 'x.test.ts'], {}])
  })
})
