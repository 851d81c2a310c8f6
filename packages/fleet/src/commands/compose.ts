import { Command, Option } from 'commander'
import { DEFAULT_DURABILITY, DURABILITY_MODES, type Durability } from '@pos-fleet/topology/durability'
import { endpointsFile } from '../endpoints.js'
import { renderFleetReady } from '../render.js'
import { untilSignalled } from '../signals.js'
import type { CliContext } from './context.js'
import { numberOption } from './options.js'

interface ComposeUpFlags {
  readonly detach: boolean
  readonly wanScale: number
  readonly durability: Durability
  readonly buildCa?: string
}

function composeUpCommand(ctx: CliContext): Command {
  return new Command('up')
    .description(
      'build the images and start the three-region fleet in containers (docker-compose.yml), with fresh data, on the native fleet’s 127.0.0.1 ports; starts dockerd if no Docker engine answers; in the foreground until Ctrl-C, or --detach to return once healthy',
    )
    .addOption(new Option('--detach', 'return once every container is healthy, leaving the fleet running').default(false))
    .addOption(numberOption('--wan-scale <factor>', 'multiply every WAN latency (0: no latency)', '1', { atLeast: 0 }))
    .addOption(new Option('--durability <mode>', 'async or semi-sync, as `fleet up --durability`').choices(DURABILITY_MODES).default(DEFAULT_DURABILITY))
    .addOption(
      new Option('--build-ca <pem>', 'certificates the image builds trust for npm, Maven, Go and apt besides their own roots: a TLS-intercepting proxy’s CA (build secret build_ca)').env(
        'POS_BUILD_CA',
      ),
    )
    .addHelpText('after', '\nExamples:\n  fleet compose up --detach\n  fleet compose up --detach --build-ca /etc/ssl/certs/ca-certificates.crt')
    .action(async (flags: ComposeUpFlags) => {
      const { composeDown, composeUp } = await import('../compose/compose-fleet.js')
      const { endpoints, startupMs, buildMs, upMs } = await composeUp({
        wanScale: flags.wanScale,
        durability: flags.durability,
        ...(flags.buildCa ? { buildCa: flags.buildCa } : {}),
        log: ctx.log,
      })
      for (const line of renderFleetReady(endpoints, startupMs, endpointsFile)) ctx.log(line)
      ctx.log(`  (compose: images built in ${(buildMs / 1000).toFixed(1)} s, containers healthy ${(upMs / 1000).toFixed(1)} s after \`docker compose up\`)`)
      if (flags.detach) return
      ctx.log('\nrunning in the foreground; Ctrl-C stops the fleet')
      await untilSignalled()
      await composeDown({ log: ctx.log })
    })
}

function composeDownCommand(ctx: CliContext): Command {
  return new Command('down')
    .description('remove the compose project’s containers, networks and volumes, and stop the dockerd `fleet compose up` started (a daemon it found running is left alone)')
    .action(async () => {
      const { composeDown } = await import('../compose/compose-fleet.js')
      await composeDown({ log: ctx.log })
    })
}

function composeStatusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('every container of the compose project with its state and health; exits 1 if one is neither healthy nor a finished init step')
    .addOption(new Option('--json', 'print the containers as JSON').default(false))
    .action(async (flags: { readonly json: boolean }) => {
      const { composeStatus, containerOk } = await import('../compose/compose-fleet.js')
      const status = await composeStatus()
      if (flags.json) ctx.log(JSON.stringify(status, null, 2))
      else if (!status.engine) ctx.log('no Docker engine answers: no compose fleet is running')
      else if (status.containers.length === 0) ctx.log('no container of the compose project exists: start it with `pnpm fleet compose up --detach`')
      else
        for (const c of status.containers) {
          const health = c.health ? ` (${c.health})` : c.state === 'exited' ? ` (exit ${c.exitCode})` : ''
          ctx.log(`${c.service.padEnd(30)} ${c.state}${health}`)
        }
      if (!status.engine || status.containers.length === 0 || !status.containers.every(containerOk)) ctx.exitCode = 1
    })
}

export function composeCommand(ctx: CliContext): Command {
  return new Command('compose')
    .description('the same three-region fleet in containers, from docker-compose.yml (needs no image registry)')
    .addCommand(composeUpCommand(ctx))
    .addCommand(composeDownCommand(ctx))
    .addCommand(composeStatusCommand(ctx))
}
