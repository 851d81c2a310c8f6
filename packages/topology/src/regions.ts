/** The regions, their roles and every port a process listens on. */

export const REGION_IDS = ['ap-southeast-1', 'eu-central-1', 'us-east-1'] as const
export type RegionId = (typeof REGION_IDS)[number]
export type RegionRole = 'writer' | 'reader'

/** The initial writer (primary database, payments-worker); a switchover moves the current one. */
export const WRITER: RegionId = 'ap-southeast-1'

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

const PORT_BASE = 18000

/** The toxiproxy control API; its WAN listen ports are in links.ts. */
export const TOXIPROXY_API_PORT = 8474
/** The sandbox payment gateway stands in for an external PSP; it lives outside the regions. */
export const PAYMENT_GATEWAY_PORT = 18990

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

export function isRegionId(value: string): value is RegionId {
  return (REGION_IDS as readonly string[]).includes(value)
}

export function region(id: RegionId): RegionSpec {
  const spec = regions.find((r) => r.id === id)
  if (!spec) throw new Error(`unknown region ${id}`)
  return spec
}

export function roleOf(regionId: RegionId, writer: RegionId = WRITER): RegionRole {
  return regionId === writer ? 'writer' : 'reader'
}
