/**
 * Every image docker-compose.yml uses, pinned by exact version tag. Digests are not pinned:
 * they cannot be verified offline here; pin them with `docker buildx imagetools inspect`
 * when you have a registry at hand.
 */
import { KAFKA_VERSION } from '@pos-fleet/topology/kafka'

export const IMAGES = {
  /** Built from the repo's Dockerfile (`docker compose build`); the tag is the release version. */
  app: 'ghcr.io/pos-fleet/pos-fleet:0.1.0',
  /** The same 10.11 series as the native runner's Debian package. */
  mariadb: 'mariadb:10.11.19',
  /** The spec's broker version, which the native runner fetches too. */
  kafka: `apache/kafka:${KAFKA_VERSION}`,
  /** The version scripts/bootstrap.sh installs natively. */
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  curl: 'curlimages/curl:8.11.1',
  otelCollector: 'otel/opentelemetry-collector:0.115.0',
  jaeger: 'jaegertracing/all-in-one:1.62.0',
} as const
