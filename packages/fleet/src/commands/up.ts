import { Command, Option } from 'commander'
import { endpointsFile } from '../endpoints.js'
import { renderFleetReady } from '../render.js'
import type { CliContext } from './context.js'
import { untilSignalled } from '../signals.js'
import { numberOption } from './options.js'

interface UpFlags {
  readonly detach: boolean
  readonly wanScale: number
}

export function upCommand(ctx: CliContext): Command {
  return new Command('up')
    .description('start the three-region fleet natively, with fresh data; in the foreground until Ctrl-C, or --detach to return once ready')
    .addOption(new Option('--detach', 'return once the fleet is ready, leaving it running').default(false))
    .addOption(numberOption('--wan-scale <factor>', 'multiply every WAN latency (0: no latency)', '1', { atLeast: 0 }))
    .addHelpText('after', '\nExamples:\n  fleet up --detach\n  fleet up --wan-scale 0.5')
    .action(async (flags: UpFlags) => {
      const { fleetDown, fleetUp } = await import('../fleet.js')
      const { endpoints, startupMs } = await fleetUp({ wanScale: flags.wanScale, log: ctx.log })
      for (const line of renderFleetReady(endpoints, startupMs, endpointsFile)) ctx.log(line)
      if (flags.detach) return
      ctx.log('\nrunning in the foreground; Ctrl-C stops the fleet')
      await untilSignalled()
      await fleetDown({ log: ctx.log })
    })
}

