import { Command, Option } from 'commander'
import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { benchReadHeader, benchWriteHeader, renderBenchRead, renderBenchWrite, renderSaturationRead, saturationHeader } from '../render.js'
import { usageError } from '../errors.js'
import { type CliContext, runningFleet, runningNativeFleet } from './context.js'
import { durationOption, numberOption } from './options.js'

interface BenchFlags {
  readonly duration: number
  readonly rate: number
  readonly writes: number
  readonly saturate: boolean
  readonly connections: number
  readonly warmup: number
  readonly region?: RegionId[]
  readonly out?: string
}

/** --duration's default under --saturate: each closed and each open loop runs this long. */
const SATURATE_DURATION_MS = 10_000
/** Flags that mean something in one mode only; given in the other they would be silently ignored. */
const SATURATE_ONLY = ['connections', 'warmup', 'region', 'out'] as const
const LATENCY_ONLY = ['rate', 'writes'] as const

export function benchCommand(ctx: CliContext): Command {
  const command: Command = new Command('bench')
    .description(
      'catalog-read and remote-write latency against the running fleet, region by region.\n' +
        'With --saturate: the highest catalog-read and stock-read rate the platform and a bare fastify + mysql2 handler sustain, side by side (wrk, closed loop), ' +
        'the CPU each spends per 1,000 reads, and their latency in an open loop at 80 % of that ceiling; writes reports/saturation-<time>/saturation.json.',
    )
    .addOption(durationOption('--duration <duration>', 'how long catalog reads run in each region (--saturate: each loop; default 10s)', '20s'))
    .addOption(numberOption('--rate <n>', 'catalog reads per second per region, open loop', '500'))
    .addOption(numberOption('--writes <n>', 'sequential sales per region', '30', { integer: true }))
    .addOption(new Option('--saturate', 'find the read ceiling of the platform and of the bare handler instead').default(false))
    .addOption(numberOption('--connections <n>', '--saturate: wrk connections', '16', { integer: true }))
    .addOption(durationOption('--warmup <duration>', '--saturate: load before each measured loop, discarded (0: none)', '3s', { allowZero: true }))
    .addOption(new Option('--region <region...>', '--saturate: only these regions (default: all)').choices(REGION_IDS))
    .addOption(new Option('--out <dir>', '--saturate: where the run folder goes (default: reports/)'))
    .addHelpText('after', '\nExamples:\n  fleet bench --duration 20s --rate 500 --writes 30\n  fleet bench --saturate --duration 10s')
    .action(async (flags: BenchFlags) => {
      const given = (names: readonly string[]) => names.filter((n) => command.getOptionValueSource(n) === 'cli').map((n) => `--${n}`)
      const misplaced = flags.saturate ? given(LATENCY_ONLY) : given(SATURATE_ONLY)
      if (misplaced.length > 0) {
        throw usageError(`${misplaced.join(', ')} ${misplaced.length === 1 ? 'applies' : 'apply'} only ${flags.saturate ? 'without' : 'with'} --saturate`)
      }
      if (flags.saturate) {
        const endpoints = await runningNativeFleet('fleet bench --saturate')
        const durationMs = command.getOptionValueSource('duration') === 'default' ? SATURATE_DURATION_MS : flags.duration
        const regions = flags.region ?? [...REGION_IDS]
        const { saturationToFile } = await import('../loadtest/command.js')
        ctx.log(
          `saturation: per region, catalog and stock reads on the platform and on a bare fastify + mysql2 handler, side by side: wrk -t1 -c${flags.connections} for ${durationMs / 1000} s (after ${flags.warmup / 1000} s of warm-up), then an open loop at 80 % of that ceiling for ${durationMs / 1000} s`,
        )
        ctx.log(`WAN scale ${endpoints.wanScale}; regions ${regions.join(', ')}\n`)
        for (const line of saturationHeader) ctx.log(line)
        const { file } = await saturationToFile(
          endpoints,
          { regions, durationS: durationMs / 1000, warmupS: flags.warmup / 1000, connections: flags.connections, onRead: (region, read, row) => renderSaturationRead(region, read, row).forEach((l) => ctx.log(l)) },
          flags.out,
        )
        ctx.log(`\nresults: ${file}`)
        return
      }
      const endpoints = await runningFleet()
      const { runBench } = await import('../bench.js')
      ctx.log(
        `bench: catalog reads open-loop at ${flags.rate} req/s per region for ${flags.duration / 1000} s (regions one after another), then ${flags.writes} sequential sales per region`,
      )
      ctx.log(`WAN scale ${endpoints.wanScale}; writer ${endpoints.writer}\n`)
      for (const line of benchReadHeader) ctx.log(line)
      await runBench(
        endpoints,
        { durationMs: flags.duration, rate: flags.rate, writes: flags.writes },
        {
          read: (row) => ctx.log(renderBenchRead(row)),
          writesStart: () => benchWriteHeader.forEach((line) => ctx.log(line)),
          write: (row) => ctx.log(renderBenchWrite(row)),
        },
      )
    })
  return command
}
