/**
 * The single topology definition. The native runner, the services' defaults, the
 * docker-compose file, the Helm values and the cdk8s app read this module or are
 * tested against it — change a port or an RTT here and nowhere else.
 */

export const REGION_IDS = ['ap-southeast-1', 'eu-central-1', 'us-east-1'] as const
export type RegionId = (typeof REGION_IDS)[number]
export type RegionRole = 'writer' | 'reader'

export interface RegionPorts {
  readonly storefront: number
  readonly inventoryDelta: number
  readonly paymentsWorker: number
  readonly mariadb: number
  readonly kafka: number
  readonly kafkaController: number
}

export interface RegionSpec {
  readonly id: RegionId
  readonly city: string
  /** Position in REGION_IDS; ports and WAN proxy ports derive from it. */
  readonly index: number
  readonly ports: RegionPorts
}

export interface CatalogItemSpec {
  readonly sku: string
  readonly name: string
  readonly priceMinor: number
  readonly initialStock: number
}

export interface MerchantSpec {
  readonly id: string
  readonly name: string
  readonly currency: string
  /** Largest card sale (minor units) accepted offline in store-and-forward mode. */
  readonly offlineFloorLimitMinor: number
  readonly catalog: readonly CatalogItemSpec[]
}

/** Public inter-region round-trip times (ms); the WAN emulation applies RTT/2 each way. */
const RTT_MS: Readonly<Record<string, number>> = {
  'ap-southeast-1|eu-central-1': 160,
  'ap-southeast-1|us-east-1': 220,
  'eu-central-1|us-east-1': 90,
}

const PORT_BASE = 18000
const WAN_PORT_BASE = 18900

function regionPorts(index: number): RegionPorts {
  const base = PORT_BASE + index * 100
  return {
    mariadb: base + 6,
    storefront: base + 10,
    inventoryDelta: base + 20,
    paymentsWorker: base + 30,
    kafka: base + 92,
    kafkaController: base + 93,
  }
}

const CITIES: Readonly<Record<RegionId, string>> = {
  'ap-southeast-1': 'Singapore',
  'eu-central-1': 'Frankfurt',
  'us-east-1': 'N. Virginia',
}

export const regions: readonly RegionSpec[] = REGION_IDS.map((id, index) => ({
  id,
  city: CITIES[id],
  index,
  ports: regionPorts(index),
}))

export const topology = {
  /** The region whose database is the primary and which runs payments-worker. */
  writer: 'ap-southeast-1' as RegionId,
  regions,
  toxiproxy: { host: '127.0.0.1', apiPort: 8474 },
  /** The sandbox payment gateway stands in for an external PSP; it lives outside the regions. */
  paymentGateway: { port: 18990 },
  database: { name: 'pos' },
  kafka: {
    topics: {
      paymentEvents: 'pos.payments.events',
      /** Store-and-forward: sales accepted while the write path was down, keyed by terminal. */
      pendingSales: 'pos.sales.pending',
      /** Store-and-forward: restocks/adjustments accepted while the write path was down. */
      pendingDeltas: 'pos.inventory.pending',
    },
  },
  merchants: [
    {
      id: 'mer_harbour',
      name: 'Harbour Coffee Co.',
      currency: 'USD',
      offlineFloorLimitMinor: 5_000,
      catalog: [
        { sku: 'ESP-DBL', name: 'Double espresso', priceMinor: 350, initialStock: 1_000 },
        { sku: 'LAT-12', name: 'Latte 12oz', priceMinor: 475, initialStock: 1_000 },
        { sku: 'CRS-BTR', name: 'Butter croissant', priceMinor: 325, initialStock: 400 },
        { sku: 'BEAN-1KG', name: 'House beans 1 kg', priceMinor: 3_200, initialStock: 120 },
      ],
    },
    {
      id: 'mer_linden',
      name: 'Linden Books',
      currency: 'EUR',
      offlineFloorLimitMinor: 7_500,
      catalog: [
        { sku: 'BK-ATLAS', name: 'World atlas', priceMinor: 4_900, initialStock: 60 },
        { sku: 'BK-NOVEL', name: 'Paperback novel', priceMinor: 1_299, initialStock: 300 },
        { sku: 'PEN-FNT', name: 'Fountain pen', priceMinor: 2_450, initialStock: 80 },
        { sku: 'BAG-TOTE', name: 'Canvas tote', priceMinor: 900, initialStock: 200 },
      ],
    },
  ] satisfies readonly MerchantSpec[],
} as const

export function isRegionId(value: string): value is RegionId {
  return (REGION_IDS as readonly string[]).includes(value)
}

export function region(id: RegionId): RegionSpec {
  const spec = regions.find((r) => r.id === id)
  if (!spec) throw new Error(`unknown region ${id}`)
  return spec
}

export function rttMs(a: RegionId, b: RegionId): number {
  if (a === b) return 0
  const key = [a, b].sort().join('|')
  const rtt = RTT_MS[key]
  if (rtt === undefined) throw new Error(`no RTT defined between ${a} and ${b}`)
  return rtt
}

/** The full RTT matrix, as published in endpoints.json. */
export function rttMatrix(): Record<RegionId, Partial<Record<RegionId, number>>> {
  const matrix = {} as Record<RegionId, Partial<Record<RegionId, number>>>
  for (const a of REGION_IDS) {
    matrix[a] = {}
    for (const b of REGION_IDS) if (a !== b) matrix[a][b] = rttMs(a, b)
  }
  return matrix
}

/** One-way delay applied per direction by the WAN emulation; `scale` shrinks it for fast runs. */
export function oneWayDelayMs(a: RegionId, b: RegionId, scale = 1): number {
  return Math.round((rttMs(a, b) / 2) * scale)
}

export interface WanLink {
  /** toxiproxy proxy name */
  readonly name: string
  readonly from: RegionId
  readonly to: RegionId
  readonly service: 'mariadb'
  /** Where clients in `from` connect to reach `to`'s service across the WAN. */
  readonly listenPort: number
  readonly upstreamPort: number
}

/**
 * Every directed WAN path a process in one region uses to reach another region's
 * database: replication (replica → primary) and the global write path. All pairs exist
 * so that promoting any region to writer needs no new links.
 */
export function wanLinks(): WanLink[] {
  const links: WanLink[] = []
  for (const from of regions) {
    for (const to of regions) {
      if (from.id === to.id) continue
      links.push({
        name: `wan_${from.id}_to_${to.id}_mariadb`,
        from: from.id,
        to: to.id,
        service: 'mariadb',
        listenPort: WAN_PORT_BASE + from.index * 10 + to.index,
        upstreamPort: to.ports.mariadb,
      })
    }
  }
  return links
}

export function wanLink(from: RegionId, to: RegionId): WanLink {
  const link = wanLinks().find((l) => l.from === from && l.to === to)
  if (!link) throw new Error(`no WAN link from ${from} to ${to}`)
  return link
}

export function storeId(merchantId: string, regionId: RegionId): string {
  return `sto_${merchantId.replace(/^mer_/, '')}_${regionId}`
}

export function roleOf(regionId: RegionId, writer: RegionId = topology.writer): RegionRole {
  return regionId === writer ? 'writer' : 'reader'
}
