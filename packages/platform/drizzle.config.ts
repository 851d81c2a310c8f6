import { defineConfig } from 'drizzle-kit'

// generate only: `push` trips over MariaDB's JSON CHECK constraints (see INFRA-NOTES).
export default defineConfig({
  dialect: 'mysql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
})
