/**
 * Every image docker-compose.yml runs, and the Dockerfile in this repository it is built from.
 * Each is built `FROM` only `debian:bookworm-slim` or the pinned `node:<version>-bookworm-slim`,
 * so nothing is pulled but those two official bases; compose never pulls these tags
 * (`pull_policy: build`). Tags name what is inside: the software's version.
 */
import { KAFKA_VERSION } from '@pos-fleet/topology/kafka'

export interface ImageBuild {
  readonly image: string
  /** Relative to the repository root, which is every build's context. */
  readonly dockerfile: string
}

export const IMAGES = {
  /** The services and the migrator (Dockerfile); the tag is the release version. */
  app: { image: 'ghcr.io/pos-fleet/pos-fleet:0.1.0', dockerfile: 'Dockerfile' },
  /** Debian's MariaDB 10.11 package, the native runner's build. */
  mariadb: { image: 'pos-fleet/mariadb:10.11.19', dockerfile: 'deploy/images/mariadb.Dockerfile' },
  /** The spec's broker version from its Maven jars, as the native runner fetches them. */
  kafka: { image: `pos-fleet/kafka:${KAFKA_VERSION}`, dockerfile: 'deploy/images/kafka.Dockerfile' },
  /** The toxiproxy release scripts/bootstrap.sh builds natively. */
  toxiproxy: { image: 'pos-fleet/toxiproxy:2.12.0', dockerfile: 'deploy/images/toxiproxy.Dockerfile' },
} as const satisfies Record<string, ImageBuild>

/** The build secret the Dockerfiles trust besides their own roots (a TLS-intercepting proxy's CA). */
export const BUILD_CA_SECRET = 'build_ca'
/** POS_BUILD_CA names the PEM file; by default an empty one, which changes nothing. */
export const BUILD_CA_FILE = '${POS_BUILD_CA:-./deploy/images/no-build-ca.pem}'
