import { Command, Option } from 'commander'
import { REGION_IDS } from '@pos-fleet/topology'
import { messageOf, usageError } from '../errors.js'
import { type CliContext, runningFleet } from './context.js'
import { durationOption, numberOption } from './options.js'

interface PartitionFlags {
  readonly region: string
  readonly for: number
  readonly rate: number
  readonly json: boolean
}

export function drillPartitionCommand(ctx: CliContext): Command {
  return new Command('partition')
    .description("cut a reader region's WAN links under load, heal, and check that nothing was lost or doubled; exits 1 if an invariant fails")
    .addOption(new Option('--region <region>', 'the reader region to cut off').choices(REGION_IDS).makeOptionMandatory())
    .addOption(durationOption('--for <duration>', 'how long the region stays cut off', '30s'))
    .addOption(numberOption('--rate <n>', 'sales per second per terminal', '4'))
    .addOption(new Option('--json', 'print the report as JSON').default(false))
    .addHelpText('after', '\nExample:\n  fleet drill partition --region eu-central-1 --for 10s')
    .action(async (flags: PartitionFlags) => {
      const endpoints = await runningFleet()
      const { formatReport, parseDrillRegion, runPartitionDrill } = await import('../drill/partition-drill.js')
      let region: ReturnType<typeof parseDrillRegion>
      try {
        // Whether the region is the writer depends on the running fleet.
        region = parseDrillRegion(flags.region, endpoints.writer)
      } catch (error) {
        throw usageError(messageOf(error))
      }
      const report = await runPartitionDrill(endpoints, { region, partitionMs: flags.for, rate: flags.rate, convergeTimeoutMs: 90_000, log: ctx.log })
      ctx.log(flags.json ? JSON.stringify(report, null, 2) : `\n${formatReport(report)}`)
      if (!report.ok) ctx.exitCode = 1
    })
}
