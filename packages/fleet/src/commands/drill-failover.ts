import { Command, Option } from 'commander'
import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { usageError } from '../errors.js'
import { type CliContext, runningNativeFleet } from './context.js'
import { durationOption, numberOption } from './options.js'

interface FailoverFlags {
  readonly to?: RegionId
  readonly rate: number
  readonly lag: number
  readonly convergeTimeout: number
  readonly json: boolean
}

export function drillFailoverCommand(ctx: CliContext): Command {
  return new Command('failover')
    .description(
      "lose the writer region under load (SIGKILL its MariaDB and payments-worker): detect, fence, promote the most advanced replica (or --to), re-point, move payments-worker, reconcile, restart the old writer fenced, recover its errant transactions and rejoin it; reports RPO, RTO and the failover budget; exits 1 if an invariant fails",
    )
    .addOption(new Option('--to <region>', 'the surviving region to promote (default: the most advanced replica by GTID)').choices(REGION_IDS))
    .addOption(numberOption('--rate <n>', 'sales per second per terminal', '4'))
    .addOption(durationOption('--lag <duration>', "hold replication in the WAN this long before the writer dies, so it takes acknowledged sales with it (async RPO > 0) for the drill to recover; at most 3s (replicas time a silent link out after 4 s)", '0s', { allowZero: true }))
    .addOption(durationOption('--converge-timeout <duration>', 'how long queued sales may take to reconcile at the new writer', '120s'))
    .addOption(new Option('--json', 'print the report as JSON').default(false))
    .addHelpText('after', '\nExample:\n  fleet drill failover --to eu-central-1')
    .action(async (flags: FailoverFlags) => {
      if (flags.lag > 3_000) throw usageError(`--lag ${flags.lag} ms is longer than 3s: the replicas would reconnect (slave_net_timeout 4 s) and the backlog would not be a backlog`)
      const endpoints = await runningNativeFleet('drill failover')
      if (flags.to === endpoints.writer) throw usageError(`--to ${flags.to} is the writer that the drill loses: name a surviving region`)
      const { formatFailoverReport, runFailoverDrill } = await import('../drill/failover-drill.js')
      const report = await runFailoverDrill(endpoints, {
        ...(flags.to ? { to: flags.to } : {}),
        rate: flags.rate,
        lagMs: flags.lag,
        convergeTimeoutMs: flags.convergeTimeout,
        log: flags.json ? () => undefined : ctx.log,
      })
      ctx.log(flags.json ? JSON.stringify(report, null, 2) : `\n${formatFailoverReport(report)}`)
      if (!report.ok) ctx.exitCode = 1
    })
}
