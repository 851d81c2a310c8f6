// Applies the committed drizzle-kit SQL migrations at the writer (DB_MIGRATE_URL); runs in the
// image's /app/tools (the @pos-fleet/fleet deployment). Used by the Helm chart's migration Job
// and by docker-compose.yml's `migrate` service, which adds --seed-demo: seed the demo tenants
// once (as `fleet up` does natively) and print their terminal and inventory-manager keys.
import { runMigrations } from '@pos-fleet/platform/db/migrate'

const url = process.env.DB_MIGRATE_URL
if (!url) {
  process.stderr.write('DB_MIGRATE_URL is not set (mysql://user:password@writer:port/database)\n')
  process.exit(1)
}

await runMigrations(url)
process.stdout.write('migrations applied at the writer\n')

if (process.argv.includes('--seed-demo')) {
  const { seedDemo } = await import('./dist/seed.js')
  try {
    const credentials = await seedDemo(url)
    process.stdout.write(`demo tenants seeded; credentials (shown once):\n${JSON.stringify(credentials, null, 2)}\n`)
  } catch (error) {
    if (error?.code !== 'ER_DUP_ENTRY') throw error
    process.stdout.write('demo tenants already seeded: their keys were printed by the first run (`docker compose down -v` starts afresh)\n')
  }
}
