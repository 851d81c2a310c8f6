import { Command } from 'commander'
import type { CliContext } from './context.js'
import { drillFailoverCommand } from './drill-failover.js'
import { drillPartitionCommand } from './drill-partition.js'

export function drillCommand(ctx: CliContext): Command {
  return new Command('drill').description('fault drills against the running fleet').addCommand(drillPartitionCommand(ctx)).addCommand(drillFailoverCommand(ctx))
}
