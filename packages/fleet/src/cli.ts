#!/usr/bin/env node
/** `pnpm fleet <command>`: dispatch only; each command lives in commands/. */
import { runCli } from './commands/program.js'

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
})
// A failed command may leave client sockets or timers behind: do not wait for them.
if (code !== 0) process.exit(code)
