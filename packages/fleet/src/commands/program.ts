import { Command, CommanderError } from 'commander'
import { describeError, exitCodeOf } from '../errors.js'
import { benchCommand } from './bench.js'
import { claimsCommand } from './claims.js'
import { consoleCommand } from './console.js'
import { composeCommand } from './compose.js'
import { type CliContext, type CliIo, createContext } from './context.js'
import { downCommand } from './down.js'
import { drillCommand } from './drill.js'
import { failoverCommand } from './failover.js'
import { gitopsCommand } from './gitops.js'
import { loadtestCommand } from './loadtest.js'
import { statusCommand } from './status.js'
import { testCommand } from './test.js'
import { upCommand } from './up.js'

/** Commander's own codes for help and version output, which are not failures. */
const INFORMATIONAL = new Set(['commander.helpDisplayed', 'commander.version'])

function createProgram(ctx: CliContext): Command {
  const program = new Command('fleet')
    .usage('<command> [options]')
    .description('The pos-fleet runner: a three-region fleet on this machine, its tests, drills and load tests.')
    .option('--verbose', 'on failure, print stack traces too (as DEBUG=1 does)')
    .configureOutput({
      writeOut: ctx.stdout,
      writeErr: ctx.stderr,
      outputError: (text, write) => write(text.replace(/^error: /, 'fleet: ')),
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
  for (const command of [upCommand(ctx), downCommand(ctx), statusCommand(ctx), testCommand(ctx), benchCommand(ctx), drillCommand(ctx), failoverCommand(ctx), gitopsCommand(ctx), loadtestCommand(ctx), claimsCommand(ctx), composeCommand(ctx), consoleCommand(ctx)]) {
    program.addCommand(inheritSettings(command, program))
  }
  return program
}

/** addCommand, unlike .command(), does not hand down output, exit and error settings. */
function inheritSettings(command: Command, from: Command): Command {
  command.copyInheritedSettings(from)
  for (const sub of command.commands) inheritSettings(sub, from)
  return command
}

/**
 * Parses `argv` (without node and the script), runs the command and answers its exit code.
 * Errors end here: the message and its causes go to stderr (stack traces with --verbose or
 * DEBUG); bad flags exit 2 with commander's message naming the flag, before anything ran.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = createContext(io)
  const program = createProgram(ctx)
  try {
    await program.parseAsync(argv.length === 0 ? ['--help'] : [...argv], { from: 'user' })
    return ctx.exitCode
  } catch (error) {
    // Commander has printed its message already.
    if (error instanceof CommanderError) return INFORMATIONAL.has(error.code) ? 0 : 2
    const verbose = Boolean(program.opts().verbose) || Boolean(process.env.DEBUG)
    io.stderr(`fleet: ${describeError(error, verbose)}\n`)
    return exitCodeOf(error)
  }
}
