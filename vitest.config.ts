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
        // `fleet up --observe`: the same native fleet plus Jaeger and Prometheus, in a phase of
        // its own (packages/fleet/src/commands/test.ts) since it starts a fleet on the same ports.
        test: {
          name: 'observe',
          include: ['test/observe/**/*.test.ts'],
          globalSetup: ['test/support/global-setup-observe.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The compose fleet on a real Docker engine (docker-compose.yml built and started by
        // `fleet compose up`, one file, in order). It publishes the native fleet's ports, so it
        // runs in its own phase of `fleet test`, never beside the `fleet` project.
        test: {
          name: 'compose',
          include: ['test/compose/**/*.test.ts'],
          globalSetup: ['test/compose/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          // Cold image builds (npm, Maven, the Go toolchain) take minutes on two cores.
          hookTimeout: 1_500_000,
          teardownTimeout: 120_000,
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
