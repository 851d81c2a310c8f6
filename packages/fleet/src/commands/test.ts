import { Command } from 'commander'
import { repoRoot } from '../infra/paths.js'
import type { CliContext } from './context.js'

/**
 * The suite runs in phases, one `vitest run` each, because some phases cannot share the machine
 * with another: the native fleet and a compose fleet publish the same 127.0.0.1 ports, and a
 * real control plane competes for the same two CPUs. Each phase writes its own JSON report in
 * CI (vitest.config.ts), which .ci/run sums.
 */
export const TEST_PHASES: readonly { readonly name: string; readonly projects: readonly string[] }[] = [
  { name: 'native', projects: ['unit', 'manifests', 'report', 'fleet'] },
  { name: 'observe', projects: ['observe'] },
  // The compose fleet publishes the native fleet's ports: after it, never beside it.
  { name: 'compose', projects: ['compose'] },
  // Four kube-apiservers and Argo CD: alone, so neither they nor the native fleet starve of CPU.
  { name: 'gitops', projects: ['gitops'] },
]

export function testCommand(ctx: CliContext): Command {
  return new Command('test')
    .description('run the whole test suite phase by phase (each phase starts and stops what it needs); further arguments go to one `vitest run`')
    .argument('[vitest-args...]', 'passed to `vitest run`, e.g. --project unit')
    .allowUnknownOption()
    .addHelpText('after', `\nPhases, in order: ${TEST_PHASES.map((p) => `${p.name} (${p.projects.join(', ')})`).join('; ')}\n\nExamples:\n  fleet test\n  fleet test --project unit`)
    .action(async (args: string[]) => {
      const { execa } = await import('execa')
      const run = async (command: string, commandArgs: string[], env: Record<string, string> = {}) =>
        (await execa(command, commandArgs, { cwd: repoRoot, stdio: 'inherit', reject: false, env })).exitCode ?? 1
      if ((await run('pnpm', ['run', '--silent', 'build'])) !== 0) {
        ctx.exitCode = 1
        return
      }
      if (args.length > 0) {
        ctx.exitCode = await run('pnpm', ['exec', 'vitest', 'run', ...args])
        return
      }
      // Every phase runs even after a failure, so one report shows everything that broke.
      for (const phase of TEST_PHASES) {
        ctx.log(`fleet test: phase ${phase.name} (${phase.projects.join(', ')})`)
        const code = await run('pnpm', ['exec', 'vitest', 'run', ...phase.projects.flatMap((p) => ['--project', p])], { POS_TEST_PHASE: phase.name })
        if (code !== 0) ctx.exitCode = 1
      }
    })
}
