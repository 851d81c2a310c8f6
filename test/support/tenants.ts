import { randomUUID } from 'node:crypto'
import { executeSeedPlan } from '@pos-fleet/platform/db/seed-demo'
import type { SeedPlan } from '@pos-fleet/topology/tenants'
import type { RegionId } from '@pos-fleet/topology'
import { type Till, fleet, regionIds, waitReplicated, writerGtid } from './fleet.js'

export interface ItemSpec {
  readonly sku: string
  readonly priceMinor: number
  /** Seeded per store, as one restock delta. */
  readonly stock: number
}

export interface TenantSpec {
  readonly currency?: 'USD' | 'EUR'
  readonly offlineFloorLimitMinor?: number
  readonly catalog?: readonly ItemSpec[]
}

/** A small catalog: a cheap item for counting, a dearer one to cross floor limits. */
export const TEST_CATALOG: readonly ItemSpec[] = [
  { sku: 'ESP-DBL', priceMinor: 350, stock: 1_000 },
  { sku: 'CRS-BTR', priceMinor: 325, stock: 400 },
  { sku: 'BEAN-1KG', priceMinor: 3_200, stock: 120 },
]

export interface SeededTill extends Till {
  terminalId: string
}

export interface Payment {
  card?: string
}

export interface Line {
  sku: string
  quantity: number
}

export interface Tenant {
  readonly merchantId: string
  readonly currency: 'USD' | 'EUR'
  readonly offlineFloorLimitMinor: number
  readonly catalog: readonly ItemSpec[]
  /** Inventory manager key (restocks, adjustments, oversold list). */
  readonly managerKey: string
  readonly tills: Readonly<Record<RegionId, SeededTill>>
  till(region: RegionId): SeededTill
  item(sku: string): ItemSpec
  /** A valid sale body for the store in `region`: `lines` default to one of the first item; cash unless `card` names a token. */
  sale(region: RegionId, lines?: Line[] | number, payment?: Payment): { storeId: string; lines: Line[]; payment: Record<string, unknown> }
  total(lines: Line[]): number
}

/**
 * Seeds a test file's own tenants in ONE transaction on the writer, with the executor the
 * demo seed uses (as the application account) — a merchant each, a store and a terminal in
 * every region, an inventory manager key, a catalog with stock — under fresh random ids,
 * then waits until every replica has them (services authenticate and price on replicas).
 * Nothing another file does can change them; nothing is cleaned up (ids never repeat).
 */
export async function seedTenants(...specs: TenantSpec[]): Promise<Tenant[]> {
  const plan = { merchants: [], catalogItems: [], managers: [], stores: [], terminals: [], stockDeltas: [] } as { -readonly [K in keyof SeedPlan]: Array<SeedPlan[K][number]> }
  const planned = specs.map((spec) => {
    const id = randomUUID().replaceAll('-', '')
    const merchantId = `mer_t${id}`
    const currency = spec.currency ?? 'USD'
    const catalog = spec.catalog ?? TEST_CATALOG
    const offlineFloorLimitMinor = spec.offlineFloorLimitMinor ?? (currency === 'USD' ? 5_000 : 7_500)
    plan.merchants.push({ id: merchantId, name: `Test merchant ${id}`, currency, offlineFloorLimitMinor })
    plan.catalogItems.push(...catalog.map((i) => ({ merchantId, sku: i.sku, name: i.sku, priceMinor: i.priceMinor, currency })))
    plan.managers.push({ id: `mgr_t${id}`, merchantId, label: 'test manager' })
    for (const region of regionIds) {
      const storeId = `sto_t${id}_${region}`
      plan.stores.push({ id: storeId, merchantId, region, name: `Test store ${region}` })
      plan.terminals.push({ id: `ter_t${id}_${region}`, merchantId, storeId, region, label: 'test till' })
      plan.stockDeltas.push(
        ...catalog.map((i) => ({ deltaId: `seed:${storeId}:${i.sku}`, merchantId, storeId, sku: i.sku, quantity: i.stock, reason: 'restock' as const, originRegion: fleet.writer })),
      )
    }
    return { merchantId, currency, offlineFloorLimitMinor, catalog }
  })
  const credentials = await executeSeedPlan(fleet.regions[fleet.writer].db.write, plan)
  await waitReplicated(await writerGtid())
  return planned.map((p) => {
    const tills = {} as Record<RegionId, SeededTill>
    for (const t of credentials.terminals.filter((c) => c.merchantId === p.merchantId)) tills[t.region] = t
    const managerKey = credentials.inventoryManagers.find((m) => m.merchantId === p.merchantId)!.apiKey
    return tenantOf({ ...p, managerKey, tills })
  })
}

export async function seedTenant(spec: TenantSpec = {}): Promise<Tenant> {
  return (await seedTenants(spec))[0]!
}

function tenantOf(t: Pick<Tenant, 'merchantId' | 'currency' | 'offlineFloorLimitMinor' | 'catalog' | 'managerKey' | 'tills'>): Tenant {
  const item = (sku: string) => {
    const found = t.catalog.find((i) => i.sku === sku)
    if (!found) throw new Error(`${sku} is not in the test catalog`)
    return found
  }
  const total = (lines: Line[]) => lines.reduce((sum, l) => sum + item(l.sku).priceMinor * l.quantity, 0)
  return {
    ...t,
    till: (region) => t.tills[region],
    item,
    total,
    sale(region, lines = 1, payment = {}) {
      const ls = typeof lines === 'number' ? [{ sku: t.catalog[0]!.sku, quantity: lines }] : lines
      const amountMinor = total(ls)
      return {
        storeId: t.tills[region].storeId,
        lines: ls,
        payment: payment.card ? { method: 'card', token: payment.card, amountMinor } : { method: 'cash', amountMinor },
      }
    },
  }
}
