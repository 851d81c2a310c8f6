import { Command } from 'commander'
import type { CliContext } from './context.js'

export function downCommand(ctx: CliContext): Command {
  return new Command('down').description('stop every fleet process and check that no port is left bound').action(async () => {
    const { fleetDown } = await import('../fleet.js')
    await fleetDown({ log: ctx.log })
  })
}
