import { Command } from 'commander'
import { usageError } from '../errors.js'

export function drillFailoverCommand(): Command {
  return new Command('failover').description('promote a reader to writer under load: not built yet (tracked by an open issue); exits 2').action(() => {
    throw usageError("'drill failover' is not built yet (tracked by an open issue)")
  })
}
