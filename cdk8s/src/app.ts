import { App, YamlOutputType } from 'cdk8s'
import { ExampleClustersChart } from './charts/example-clusters-chart.js'
import { GitOpsChart } from './charts/gitops-chart.js'

/** Chart ids are the file names under argocd/. */
export const CHART_FILES = { gitops: 'pos-fleet', clusters: 'example-clusters' } as const

/** The cdk8s app behind argocd/; builds the charts, never synthesizes (see main.ts). */
export function buildApp(outdir: string): App {
  const app = new App({ outdir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART })
  new GitOpsChart(app, CHART_FILES.gitops)
  new ExampleClustersChart(app, CHART_FILES.clusters)
  return app
}
