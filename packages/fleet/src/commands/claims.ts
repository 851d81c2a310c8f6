import { Command, Option } from 'commander'
import type { CliContext } from './context.js'

export function claimsCommand(ctx: CliContext): Command {
  return new Command('claims')
    .description('copy a load-test run, a sweep and a saturation run to docs/loadtest/ and regenerate the README\'s "Latency claims" table from them')
    .addOption(new Option('--report <dir>', 'a load-test run folder, reports/<time>').makeOptionMandatory())
    .addOption(new Option('--sweep <dir>', 'a checkout sweep folder, reports/sweep-<time>').makeOptionMandatory())
    .addOption(new Option('--saturation <dir>', 'a saturation folder, reports/saturation-<time> (fleet bench --saturate)').makeOptionMandatory())
    .action(async (flags: { readonly report: string; readonly sweep: string; readonly saturation: string }) => {
      const { publishClaims } = await import('../loadtest/command.js')
      publishClaims(flags.report, flags.sweep, flags.saturation)
      ctx.log('README.md "Latency claims" regenerated from docs/loadtest/')
    })
}
