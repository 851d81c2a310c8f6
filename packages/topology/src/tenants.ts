/**
 * The demo tenants: merchants with their catalogs, a store and a terminal per region, and the
 * seed plan that puts them into a fresh database. Pure data: the executor
 * (@pos-fleet/platform/db/seed-demo) inserts it and mints the API keys.
 */
import { type RegionId, WRITER, regions } from './regions.js'

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

export const MERCHANTS = [
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
] as const satisfies readonly MerchantSpec[]

export type MerchantId = (typeof MERCHANTS)[number]['id']

export function merchant(id: string): MerchantSpec {
  const spec = MERCHANTS.find((m) => m.id === id)
  if (!spec) throw new Error(`unknown demo merchant ${id}`)
  return spec
}

/** A demo catalog entry, for tools that sell it (load test, drills, bench) and must charge its price. */
export function catalogItem(merchantId: string, sku: string): CatalogItemSpec {
  const item = merchant(merchantId).catalog.find((i) => i.sku === sku)
  if (!item) throw new Error(`demo merchant ${merchantId} sells no ${sku}`)
  return item
}

export function storeId(merchantId: string, regionId: RegionId): string {
  return `sto_${merchantId.replace(/^mer_/, '')}_${regionId}`
}

export function terminalId(store: string, n = 1): string {
  return `ter_${store.replace(/^sto_/, '')}_${n}`
}

export interface SeedPlan {
  readonly merchants: ReadonlyArray<{ id: string; name: string; currency: string; offlineFloorLimitMinor: number }>
  readonly catalogItems: ReadonlyArray<{ merchantId: string; sku: string; name: string; priceMinor: number; currency: string }>
  /** Each gets a fresh `pos_mgr` API key at seed time. */
  readonly managers: ReadonlyArray<{ id: string; merchantId: string; label: string }>
  readonly stores: ReadonlyArray<{ id: string; merchantId: string; region: RegionId; name: string }>
  /** Each gets a fresh `pos_term` API key at seed time. */
  readonly terminals: ReadonlyArray<{ id: string; merchantId: string; storeId: string; region: RegionId; label: string }>
  /** Initial stock, as restock deltas recorded at the writer. */
  readonly stockDeltas: ReadonlyArray<{ deltaId: string; merchantId: string; storeId: string; sku: string; quantity: number; reason: 'restock'; originRegion: RegionId }>
}

/** Each merchant gets its catalog, an inventory manager, and a store with one terminal and initial stock in every region. */
export function seedPlan(writer: RegionId = WRITER): SeedPlan {
  const plan = { merchants: [], catalogItems: [], managers: [], stores: [], terminals: [], stockDeltas: [] } as { -readonly [K in keyof SeedPlan]: Array<SeedPlan[K][number]> }
  for (const m of MERCHANTS) {
    plan.merchants.push({ id: m.id, name: m.name, currency: m.currency, offlineFloorLimitMinor: m.offlineFloorLimitMinor })
    plan.catalogItems.push(...m.catalog.map((i) => ({ merchantId: m.id, sku: i.sku, name: i.name, priceMinor: i.priceMinor, currency: m.currency })))
    plan.managers.push({ id: `mgr_${m.id}`, merchantId: m.id, label: `${m.name} inventory` })
    for (const r of regions) {
      const sid = storeId(m.id, r.id)
      plan.stores.push({ id: sid, merchantId: m.id, region: r.id, name: `${m.name} — ${r.city}` })
      plan.terminals.push({ id: terminalId(sid), merchantId: m.id, storeId: sid, region: r.id, label: `${r.city} till 1` })
      plan.stockDeltas.push(
        ...m.catalog.map((i) => ({
          deltaId: `seed:${sid}:${i.sku}`,
          merchantId: m.id,
          storeId: sid,
          sku: i.sku,
          quantity: i.initialStock,
          reason: 'restock' as const,
          originRegion: writer,
        })),
      )
    }
  }
  return plan
}
