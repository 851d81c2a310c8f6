import { Command } from 'commander'
import { benchReadHeader, benchWriteHeader, renderBenchRead, renderBenchWrite } from '../render.js'
import { type CliContext, runningFleet } from './context.js'
import { durationOption, numberOption } from './options.js'

interface BenchFlags {
  readonly duration: number
  readonly rate: number
  readonly writes: number
}

export function benchCommand(ctx: CliContext): Command {
  return new Command('bench')
    .description('catalog-read and remote-write latency against the running fleet, region by region')
    .addOption(durationOption('--duration <duration>', 'how long catalog reads run in each region', '20s'))
    .addOption(numberOption('--rate <n>', 'catalog reads per second per region, open loop', '500'))
    .addOption(numberOption('--writes <n>', 'sequential sales per region', '30', { integer: true }))
    .addHelpText('after', '\nExample:\n  fleet bench --duration 20s --rate 500 --writes 30')
    .action(async (flags: BenchFlags) => {
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
}
