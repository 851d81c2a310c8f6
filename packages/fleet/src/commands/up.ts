import { Command, Option } from 'commander'
import { DEFAULT_DURABILITY, DURABILITY_MODES, type Durability } from '@pos-fleet/topology/durability'
import { endpointsFile } from '../endpoints.js'
import { listProcesses } from '../infra/processes.js'
import { renderFleetReady } from '../render.js'
import type { CliContext } from './context.js'
import { untilSignalled } from '../signals.js'
import { numberOption } from './options.js'

interface UpFlags {
  readonly detach: boolean
  readonly wanScale: number
  readonly durability: Durability
  readonly observe: boolean
}

export function upCommand(ctx: CliContext): Command {
  return new Command('up')
    .description('start the three-region fleet natively, with fresh data; in the foreground until Ctrl-C (or until `fleet down` stops it elsewhere), or --detach to return once ready')
    .addOption(new Option('--detach', 'return once the fleet is ready, leaving it running').default(false))
    .addOption(numberOption('--wan-scale <factor>', 'multiply every WAN latency (0: no latency)', '1', { atLeast: 0 }))
    .addOption(
      new Option('--durability <mode>', "async: a sale is acknowledged once the writer has it; semi-sync: once a replica has it too (MariaDB's semi-synchronous replication)")
        .choices(DURABILITY_MODES)
        .default(DEFAULT_DURABILITY),
    )
    .addOption(new Option('--observe', 'also start Jaeger (every service sends it its spans) and Prometheus (scraping every service), natively').default(false))
    .addHelpText('after', '\nExamples:\n  fleet up --detach\n  fleet up --wan-scale 0.5\n  fleet up --detach --durability semi-sync\n  fleet up --detach --observe')
    .action(async (flags: UpFlags) => {
      const { fleetDown, fleetUp } = await import('../fleet.js')
      const { endpoints, startupMs } = await fleetUp({ wanScale: flags.wanScale, durability: flags.durability, observe: flags.observe, log: ctx.log })
      for (const line of renderFleetReady(endpoints, startupMs, endpointsFile)) ctx.log(line)
      if (flags.detach) return
      ctx.log('\nrunning in the foreground; Ctrl-C stops the fleet')
      const started = new Set(listProcesses().map((p) => p.pid))
      const reason = await untilSignalled({ gone: () => fleetGone(started) })
      if (reason === 'gone') {
        ctx.log('the fleet was stopped elsewhere (fleet down); nothing left to stop')
        return
      }
      await fleetDown({ log: ctx.log })
    })
}

/** None of the processes this `fleet up` started is in the registry any more. */
function fleetGone(started: ReadonlySet<number>): boolean {
  try {
    return !listProcesses().some((p) => started.has(p.pid))
  } catch {
    // A registry being rewritten or damaged says nothing about the fleet: keep holding it.
    return false
  }
}
