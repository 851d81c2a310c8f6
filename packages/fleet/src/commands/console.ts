import { Command } from 'commander'
import { topology } from '@pos-fleet/topology'
import { untilSignalled } from '../signals.js'
import { type CliContext, runningFleet } from './context.js'
import { numberOption } from './options.js'

export function consoleCommand(ctx: CliContext): Command {
  return new Command('console')
    .description('serve a live web page of the running fleet (regions, writer, WAN links, lag, breakers, backlogs, sales, payments) with buttons to cut and heal a region and start a short load test; on 127.0.0.1 only, until Ctrl-C')
    .addOption(numberOption('--port <port>', 'where the page is served', String(topology.observability.ports.console), { atLeast: 1, integer: true }))
    .addHelpText('after', '\nExamples:\n  fleet console\n  fleet console --port 8080')
    .action(async (flags: { readonly port: number }) => {
      await runningFleet()
      const { startConsole } = await import('../console/runtime.js')
      const running = await startConsole({ port: flags.port })
      ctx.log(`fleet console: ${running.url} (Ctrl-C stops it; the fleet keeps running)`)
      await untilSignalled()
      await running.stop()
    })
}
