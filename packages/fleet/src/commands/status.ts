import { Command, Option } from 'commander'
import { allReady, renderDurability, renderStatus } from '../render.js'
import { type CliContext, runningFleet } from './context.js'

export function statusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description("each region's role, readiness, write path and replication lag, and the durability the writer gives; exits 1 if a service is not ready or semi-sync fell back to async")
    .addOption(new Option('--json', 'print the status as JSON').default(false))
    .action(async (flags: { readonly json: boolean }) => {
      const endpoints = await runningFleet()
      const [{ fleetStatus }, { durabilityHealthy, durabilityStatus }] = await Promise.all([import('../fleet.js'), import('../durability.js')])
      const [status, durability] = await Promise.all([fleetStatus().then((s) => s ?? []), durabilityStatus(endpoints)])
      if (flags.json) ctx.log(JSON.stringify({ regions: status, durability }, null, 2))
      else for (const line of [...renderStatus(status), ...renderDurability(durability)]) ctx.log(line)
      if (!allReady(status) || !durabilityHealthy(durability)) ctx.exitCode = 1
    })
}
