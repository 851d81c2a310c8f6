import { drizzle } from 'drizzle-orm/mysql2'
import mysql from 'mysql2/promise'
import { catalogItems, inventoryDeltas, managerKeys, merchants, stores, terminals } from '@pos-fleet/platform/db/schema/index'
import { newApiKey, sha256Hex } from '@pos-fleet/platform/hashing'
import { type RegionId, regions, storeId, topology } from '@pos-fleet/topology'

export interface TerminalCredential {
  merchantId: string
  storeId: string
  region: RegionId
  terminalId: string
  apiKey: string
}

export interface ManagerCredential {
  merchantId: string
  apiKey: string
}

export interface DemoCredentials {
  terminals: TerminalCredential[]
  inventoryManagers: ManagerCredential[]
}

/**
 * Seeds the demo tenants from the topology at the writer: each merchant gets a store
 * and a terminal in every region, an inventory manager key, its catalog, and initial
 * stock as restock deltas. Keys are fresh per fleet; only their hashes are stored.
 */
export async function seedDemo(writerUrl: string): Promise<DemoCredentials> {
  const conn = await mysql.createConnection({ uri: writerUrl })
  const db = drizzle({ client: conn })
  const creds: DemoCredentials = { terminals: [], inventoryManagers: [] }
  try {
    await db.transaction(async (tx) => {
      for (const m of topology.merchants) {
        await tx.insert(merchants).values({ id: m.id, name: m.name, currency: m.currency, offlineFloorLimitMinor: m.offlineFloorLimitMinor })
        await tx.insert(catalogItems).values(m.catalog.map((i) => ({ merchantId: m.id, sku: i.sku, name: i.name, priceMinor: i.priceMinor, currency: m.currency })))
        const managerKey = newApiKey('pos_mgr')
        await tx.insert(managerKeys).values({ id: `mgr_${m.id}`, merchantId: m.id, label: `${m.name} inventory`, apiKeyHash: sha256Hex(managerKey) })
        creds.inventoryManagers.push({ merchantId: m.id, apiKey: managerKey })
        for (const r of regions) {
          const sid = storeId(m.id, r.id)
          await tx.insert(stores).values({ id: sid, merchantId: m.id, region: r.id, name: `${m.name} — ${r.city}` })
          const apiKey = newApiKey('pos_term')
          const terminalId = `ter_${sid.replace(/^sto_/, '')}_1`
          await tx.insert(terminals).values({ id: terminalId, merchantId: m.id, storeId: sid, label: `${r.city} till 1`, apiKeyHash: sha256Hex(apiKey) })
          creds.terminals.push({ merchantId: m.id, storeId: sid, region: r.id, terminalId, apiKey })
          await tx.insert(inventoryDeltas).values(
            m.catalog.map((i) => ({
              deltaId: `seed:${sid}:${i.sku}`,
              merchantId: m.id,
              storeId: sid,
              sku: i.sku,
              quantity: i.initialStock,
              reason: 'restock',
              originRegion: topology.writer,
            })),
          )
        }
      }
    })
  } finally {
    await conn.end()
  }
  return creds
}
