#!/usr/bin/env node
/** The migration image's entry: the Helm chart's migration Job and compose's `migrate` service run this. */
import { runMigrator } from './migrator.js'

process.exitCode = await runMigrator(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
