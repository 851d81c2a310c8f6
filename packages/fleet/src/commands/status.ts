import { Command, Option } from 'commander'
import { allReady, renderStatus } from '../render.js'
import { type CliContext, runningFleet } from './context.js'

export function statusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description("each region's role, readiness, write path and replication lag; exits 1 if a service is not ready")
    .addOption(new Option('--json', 'print the status as JSON').default(false))
    .action(async (flags: { readonly json: boolean }) => {
      await runningFleet()
      const { fleetStatus } = await import('../fleet.js')
      const status = (await fleetStatus()) ?? []
      if (flags.json) ctx.log(JSON.stringify(status, null, 2))
      else for (const line of renderStatus(status)) ctx.log(line)
      if (!allReady(status)) ctx.exitCode = 1
    })
}
