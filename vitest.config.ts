import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // CI also writes one JSON report per phase of `fleet test`, which .ci/run sums into a plain
    // "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: `.cache/test-results/${process.env.POS_TEST_PHASE ?? 'all'}.json` }]] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
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
      {
        // Real Argo CD syncing argocd/ into three real kube-apiservers 1.28 (`fleet gitops up`,
        // started once by the global setup and stopped by its teardown). Files run one at a
        // time: one flips the writer label, another edits a Deployment by hand.
        test: {
          name: 'gitops',
          include: ['test/gitops/**/*.test.ts'],
          globalSetup: ['test/support/gitops-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        // Offline checks of charts/, argocd/, docker-compose.yml and the Dockerfile with real
        // tools (helm, Argo CD's own ApplicationSet code, the Kubernetes/Argo CD and compose-spec schemas).
        test: {
          name: 'manifests',
          include: ['test/manifests/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // The load-test report page opened from a file in headless Debian Chromium
        // (scripts/bootstrap.sh installs it) through playwright-core.
        test: { name: 'report', include: ['test/report/**/*.test.ts'], testTimeout: 60_000 },
      },
    ],
  },
})
