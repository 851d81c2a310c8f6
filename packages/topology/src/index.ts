/**
 * The deployment spec: the one definition every runtime renders from. The native runner
 * (packages/fleet), the services' defaults, the migration image, the docker-compose generator
 * and the Helm/Argo CD tests read it — change a port, an RTT, a grant or a price here and
 * nowhere else. No runtime dependencies; each subject is a subpath (`@pos-fleet/topology/kafka`).
 */
import { TOPICS } from './kafka.js'
import { DATABASE_NAME } from './database.js'
import { PAYMENT_GATEWAY_PORT, TOXIPROXY_API_PORT, WRITER, regions } from './regions.js'
import { promotionCandidates } from './links.js'
import { MERCHANTS } from './tenants.js'
import { loopbackAddressing } from './addressing.js'
import { OBSERVABILITY_PORTS } from './observability.js'

export * from './regions.js'
export * from './links.js'
export * from './addressing.js'
export { type CatalogItemSpec, type MerchantSpec, catalogItem, merchant, storeId, terminalId } from './tenants.js'

export const topology = {
  /**
   * The initial writer: every `fleet up` starts with this region's database as the primary and
   * payments-worker here. The current writer is the running fleet's state (endpoints.json).
   */
  writer: WRITER,
  /** Who may take the writer over, best first (links.ts promotionCandidates). */
  promotion: { candidates: promotionCandidates() },
  regions,
  /** The native runner's toxiproxy (compose names its own container). */
  toxiproxy: { host: loopbackAddressing.wanHost, apiPort: TOXIPROXY_API_PORT },
  /** The sandbox payment gateway stands in for an external PSP; it lives outside the regions. */
  paymentGateway: { port: PAYMENT_GATEWAY_PORT },
  database: { name: DATABASE_NAME },
  kafka: { topics: TOPICS },
  merchants: MERCHANTS,
  /** `fleet up --observe`: Jaeger and Prometheus, natively (observability.ts). */
  observability: { ports: OBSERVABILITY_PORTS },
} as const
