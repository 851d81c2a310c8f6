import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          // Needs the running fleet: it belongs to the fleet project below.
          exclude: ['packages/fleet/src/infra/**'],
        },
      },
      {
        // Runs against the real native fleet (MariaDB replication, Kafka, toxiproxy WAN),
        // started once by the global setup. Files run one at a time: some cut WAN links
        // or kill processes, which would disturb a neighbour.
        test: {
          name: 'fleet',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
