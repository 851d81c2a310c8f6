import { parseArgs } from 'node:util'
import { Type } from '@sinclair/typebox'
import { ConfigError, MysqlUrl, loadConfig } from '@pos-fleet/platform/config'
import { runMigrations } from '@pos-fleet/platform/db/migrate'
import { isDuplicateKey } from '@pos-fleet/platform/db/errors'
import { seedDemo } from '@pos-fleet/platform/db/seed-demo'

export const MigratorEnv = Type.Object({
  /** The writer's primary, as the migrator account: mysql://user:password@writer:port/database */
  DB_MIGRATE_URL: MysqlUrl,
})

export interface Output {
  out(line: string): void
  err(line: string): void
}

const USAGE = 'usage: pos-migrator [--seed-demo]   (DB_MIGRATE_URL=mysql://user:password@writer:port/database)'

/** Failures that mean "the writer could not be reached or refused the account", not "a migration is wrong". */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR'])

/** host:port/database of a mysql URL: never the credentials. */
function target(url: string): string {
  const u = new URL(url)
  return `${u.host}${u.pathname}`
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string }
  const message = (e.message ?? String(error)).split('\n')[0]
  return e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message
}

/**
 * Applies the committed migrations at the writer and, with --seed-demo, seeds the demo tenants
 * once (as `fleet up` does natively), printing their keys. Returns the exit code: 2 for bad
 * arguments or configuration, 1 when the writer cannot be reached or a step fails — each with
 * one line on stderr, never a stack trace.
 */
export async function runMigrator(argv: readonly string[], env: NodeJS.ProcessEnv, io: Output): Promise<number> {
  let seed: boolean
  try {
    seed = parseArgs({ args: [...argv], options: { 'seed-demo': { type: 'boolean', default: false } }, strict: true }).values['seed-demo'] === true
  } catch (error) {
    io.err(`pos-migrator: ${describe(error)}\n${USAGE}`)
    return 2
  }
  let url: string
  try {
    url = loadConfig(MigratorEnv, env).DB_MIGRATE_URL
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.err(`pos-migrator: ${error.message}`)
    return 2
  }

  const step = async (what: string, work: () => Promise<void>): Promise<boolean> => {
    try {
      await work()
      return true
    } catch (error) {
      const code = (error as { code?: string }).code
      const reason = code && CONNECTION_CODES.has(code) ? `cannot connect to the writer at ${target(url)}` : `${what} failed at ${target(url)}`
      io.err(`pos-migrator: ${reason}: ${describe(error)}`)
      return false
    }
  }

  if (!(await step('migrations', () => runMigrations(url)))) return 1
  io.out(`migrations applied at ${target(url)}`)
  if (!seed) return 0
  const seeded = await step('the demo seed', async () => {
    try {
      const credentials = await seedDemo(url)
      io.out(`demo tenants seeded; credentials (shown once):\n${JSON.stringify(credentials, null, 2)}`)
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      io.out('demo tenants already seeded: their keys were printed by the first run (`docker compose down -v` starts afresh)')
    }
  })
  return seeded ? 0 : 1
}
