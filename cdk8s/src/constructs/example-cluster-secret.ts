import { Construct } from 'constructs'
import * as kplus from 'cdk8s-plus-28'
import type { RegionId } from '@pos-fleet/topology'
import { ANNOTATIONS, ARGOCD_NAMESPACE, LABELS, clusterName } from '../conventions.js'

export interface ExampleClusterSecretProps {
  readonly region: RegionId
  readonly role: 'writer' | 'reader'
  /** The cluster's API server URL. @default a placeholder to replace */
  readonly server?: string
}

/**
 * An Argo CD declarative cluster Secret for one regional ACK cluster, with the labels and
 * annotations the ApplicationSets read — and no credentials: `argocd cluster add` (or your
 * secret manager) supplies the bearer token / TLS data. Endpoints are placeholders.
 */
export class ExampleClusterSecret extends Construct {
  constructor(scope: Construct, id: string, props: ExampleClusterSecretProps) {
    super(scope, id)
    const { region, role } = props
    const secret = new kplus.Secret(this, 'secret', {
      metadata: {
        name: `cluster-${clusterName(region)}`,
        namespace: ARGOCD_NAMESPACE,
        labels: {
          [LABELS.argoSecretType]: 'cluster',
          [LABELS.region]: region,
          [LABELS.role]: role,
          'pos-fleet.io/provider': 'ack',
        },
        annotations: {
          [ANNOTATIONS.dbReadEndpoint]: `pos-db-local.${region}.example.internal:3306`,
          [ANNOTATIONS.dbWriteEndpoint]: `pos-db-global.${region}.example.internal:3306`,
          [ANNOTATIONS.kafkaBrokers]: `kafka-0.kafka.pos-fleet.svc:9092,kafka-1.kafka.pos-fleet.svc:9092`,
          [ANNOTATIONS.otelEndpoint]: 'http://otel-collector.observability.svc:4318',
          [ANNOTATIONS.paymentGatewayUrl]: 'http://payment-gateway-sandbox.pos-fleet-sandbox.svc:18990',
        },
      },
    })
    secret.addStringData('name', clusterName(region))
    secret.addStringData('server', props.server ?? `https://REPLACE-WITH-ACK-API-SERVER.${region}.example.invalid:6443`)
    // No credentials on purpose: only the TLS expectation.
    secret.addStringData('config', JSON.stringify({ tlsClientConfig: { insecure: false } }))
  }
}
