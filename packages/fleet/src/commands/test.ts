import { Command } from 'commander'
import { execa } from 'execa'
import { repoRoot } from '../infra/paths.js'
import type { CliContext } from './context.js'

export function testCommand(ctx: CliContext): Command {
  return new Command('test')
    .description('run the whole test suite (it starts and stops its own fleet); further arguments go to vitest')
    .argument('[vitest-args...]', 'passed to `vitest run`, e.g. --project unit')
    .allowUnknownOption()
    .addHelpText('after', '\nExamples:\n  fleet test\n  fleet test --project unit')
    .action(async (args: string[]) => {
      const result = await execa('pnpm', ['test', ...args], { cwd: repoRoot, stdio: 'inherit', reject: false })
      ctx.exitCode = result.exitCode ?? 1
    })
}
