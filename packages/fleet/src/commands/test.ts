import { Command } from 'commander'
import { repoRoot } from '../infra/paths.js'
import type { CliContext } from './context.js'

export function testCommand(ctx: CliContext): Command {
  return new Command('test')
    .description('run the whole test suite (it starts and stops its own fleet); further arguments go to vitest')
    .argument('[vitest-args...]', 'passed to `vitest run`, e.g. --project unit')
    .allowUnknownOption()
    .addHelpText('after', '\nExamples:\n  fleet test\n  fleet test --project unit')
    .action(async (args: string[]) => {
      const { execa } = await import('execa')
      const result = await execa('pnpm', ['test', ...args], { cwd: repoRoot, stdio: 'inherit', reject: false })
      ctx.exitCode = result.exitCode ?? 1
    })
}
