import { Chart, type ChartProps } from 'cdk8s'
import type { Construct } from 'constructs'
import { type RegionId, regions, roleOf, topology } from '@pos-fleet/topology'
import { ExampleClusterSecret } from '../constructs/example-cluster-secret.js'

export interface ExampleClustersChartProps extends ChartProps {
  /** @default the topology's writer */
  readonly writer?: RegionId
}

/** Example cluster Secrets for the topology's regions as three ACK clusters (no credentials). */
export class ExampleClustersChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleClustersChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props })
    const writer = props.writer ?? topology.writer
    for (const r of regions) new ExampleClusterSecret(this, r.id, { region: r.id, role: roleOf(r.id, writer) })
  }
}
