import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { runMigrator } from './migrator.js'

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = []
  const err: string[] = []
  const code = await runMigrator(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out, err }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('pos-migrator', () => {
  it('exits 2 with the usage on an unknown argument, before touching any database', async () => {
    const r = await run(['--seed'], { DB_MIGRATE_URL: 'mysql://u:p@127.0.0.1:1/pos' })
    expect(r.code).toBe(2)
    expect(r.err.join('\n')).toMatch(/Unknown option '--seed'[\s\S]*usage: pos-migrator \[--seed-demo\]/)
  })

  it('exits 2 naming DB_MIGRATE_URL when it is missing or not a mysql URL', async () => {
    for (const env of [{}, { DB_MIGRATE_URL: 'postgres://u:p@db/pos' }]) {
      const r = await run([], env)
      expect(r.code).toBe(2)
      expect(r.err).toHaveLength(1)
      expect(r.err[0]).toMatch(/^pos-migrator: invalid configuration:\n {2}DB_MIGRATE_URL: /)
    }
  })

  it('exits 1 with one line naming the writer, and no credentials, when the writer refuses connections', async () => {
    const port = await closedPort()
    const r = await run(['--seed-demo'], { DB_MIGRATE_URL: `mysql://pos_migrator:s3cret@127.0.0.1:${port}/pos` })
    expect(r.code).toBe(1)
    expect(r.out).toEqual([])
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(new RegExp(`^pos-migrator: cannot connect to the writer at 127\\.0\\.0\\.1:${port}/pos: .*ECONNREFUSED`))
    expect(r.err[0]).not.toContain('s3cret')
    expect(r.err[0]).not.toContain('\n')
  })
})
