import { Command, Option } from 'commander'
import { REGION_IDS } from '@pos-fleet/topology'
import { FAULT_MODES, type FaultMode } from '../infra/toxiproxy.js'
import { messageOf, usageError } from '../errors.js'
import { type CliContext, runningFleet } from './context.js'
import { durationOption, numberOption } from './options.js'

interface PartitionFlags {
  readonly region: string
  readonly mode: FaultMode
  readonly for: number
  readonly rate: number
  readonly json: boolean
}

export function drillPartitionCommand(ctx: CliContext): Command {
  return new Command('partition')
    .description(
      "fail a reader region's WAN links under load, heal, and check that nothing was lost or doubled and every answer came within the write timeout + margin; exits 1 if an invariant fails (POS_DRILL_INJECT=double-sale breaks one on purpose)",
    )
    .addOption(new Option('--region <region>', 'the reader region to cut off').choices(REGION_IDS).makeOptionMandatory())
    .addOption(
      new Option('--mode <mode>', 'how the links fail: drop every packet, refuse connections, 10x latency, or cut/heal every few seconds')
        .choices(FAULT_MODES)
        .default('blackhole'),
    )
    .addOption(durationOption('--for <duration>', 'how long the region stays cut off', '30s'))
    .addOption(numberOption('--rate <n>', 'sales per second per terminal', '4'))
    .addOption(new Option('--json', 'print the report as JSON').default(false))
    .addHelpText('after', '\nExample:\n  fleet drill partition --region eu-central-1 --mode blackhole --for 10s')
    .action(async (flags: PartitionFlags) => {
      const endpoints = await runningFleet()
      const { formatReport, parseBrokenInvariant, parseDrillRegion, runPartitionDrill } = await import('../drill/partition-drill.js')
      let region: ReturnType<typeof parseDrillRegion>
      let inject: ReturnType<typeof parseBrokenInvariant>
      try {
        // Whether the region is the writer depends on the running fleet.
        region = parseDrillRegion(flags.region, endpoints.writer)
        inject = parseBrokenInvariant(process.env.POS_DRILL_INJECT)
      } catch (error) {
        throw usageError(messageOf(error))
      }
      const report = await runPartitionDrill(endpoints, {
        region,
        mode: flags.mode,
        partitionMs: flags.for,
        rate: flags.rate,
        convergeTimeoutMs: 90_000,
        log: ctx.log,
        ...(inject ? { inject } : {}),
      })
      ctx.log(flags.json ? JSON.stringify(report, null, 2) : `\n${formatReport(report)}`)
      if (!report.ok) ctx.exitCode = 1
    })
}
