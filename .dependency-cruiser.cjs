/**
 * What may import what (docs/architecture.md draws it). The production side — the spec,
 * the platform, the services, the GitOps renderers — never depends on the dev CLI, so a
 * refactor of the load-test tool cannot break a deployment. test/manifests/architecture.test.ts
 * runs this and fails on any violation.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const PRODUCTION = '^(packages/(topology|platform)|services|cdk8s)/'
module.exports = {
  forbidden: [
    {
      name: 'spec-is-dependency-free',
      comment: 'packages/topology is the spec every runtime renders from: plain data and pure functions, no library, no other workspace package.',
      severity: 'error',
      from: { path: '^packages/topology/src/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: '^packages/topology/src/' },
    },
    {
      name: 'production-never-imports-the-cli',
      comment: 'Deployments (services, platform, cdk8s, the images) must not depend on the fleet CLI or its load-test tooling.',
      severity: 'error',
      from: { path: PRODUCTION },
      to: { path: '^packages/fleet/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      from: { path: PRODUCTION, pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|\\.test\\.ts$)' },
    },
    {
      name: 'platform-knows-no-service',
      comment: 'The platform is shared by the services; it must not reach into any of them or into the GitOps renderers.',
      severity: 'error',
      from: { path: '^packages/platform/' },
      to: { path: '^(services|cdk8s)/' },
    },
    {
      name: 'services-are-independent',
      comment: 'A service talks to another over HTTP or Kafka, never by importing its code; shared pieces go to the platform.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'the-client-is-just-the-contract',
      comment: 'The generated client (what the CLI and the tests call the services with) is typed by the committed documents; only its generator builds the services.',
      severity: 'error',
      from: { path: '^packages/api-client/src/', pathNot: '^packages/api-client/src/(documents|generate)\\.ts$|\\.test\\.ts$' },
      to: { path: '^(services|packages/platform)/' },
    },
    {
      name: 'renderers-render-the-spec',
      comment: 'The GitOps/compose renderers read the spec; they do not import service or platform code.',
      severity: 'error',
      from: { path: '^cdk8s/' },
      to: { path: '^(services|packages/platform)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'An import the cruiser cannot resolve would hide a forbidden edge: build first (tsc -b).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: ['\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default', 'node'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
}
