import { Command, Option } from 'commander'
import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { type CliContext, runningNativeFleet } from './context.js'
import { durationOption } from './options.js'

interface FailoverFlags {
  readonly to: RegionId
  readonly catchUpTimeout: number
  readonly json: boolean
}

export function failoverCommand(ctx: CliContext): Command {
  return new Command('failover')
    .description(
      'planned switchover: fence the writer (read_only), wait until REGION has applied its last GTID (RPO 0), promote REGION, re-point every write path and replica, move payments-worker; exits 2 and changes nothing on bad input',
    )
    .addOption(new Option('--to <region>', 'the replica region to make the writer').choices(REGION_IDS).makeOptionMandatory())
    .addOption(durationOption('--catch-up-timeout <duration>', 'how long the target may take to apply the last GTID before the switchover is undone', '10s'))
    .addOption(new Option('--json', 'print the report as JSON').default(false))
    .addHelpText('after', '\nExample:\n  fleet failover --to eu-central-1')
    .action(async (flags: FailoverFlags) => {
      const endpoints = await runningNativeFleet('failover')
      const { switchover } = await import('../failover/switchover.js')
      if (!flags.json) ctx.log(`switchover ${endpoints.writer} → ${flags.to} (WAN scale ${endpoints.wanScale})`)
      const report = await switchover(endpoints, { to: flags.to, catchUpTimeoutMs: flags.catchUpTimeout, ...(flags.json ? {} : { log: ctx.log }) })
      if (flags.json) ctx.log(JSON.stringify(report, null, 2))
      else ctx.log(`RPO ${report.rpoTransactions} transactions; total ${report.totalMs} ms; writer ${report.to}, payments-worker in ${report.to}`)
    })
}
