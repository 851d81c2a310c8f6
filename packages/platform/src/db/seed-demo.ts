import { drizzle } from 'drizzle-orm/mysql2'
import mysql from 'mysql2/promise'
import type { RegionId } from '@pos-fleet/topology'
import { type SeedPlan, seedPlan } from '@pos-fleet/topology/tenants'
import { newApiKey, sha256Hex } from '../hashing.js'
import { catalogItems, inventoryDeltas, managerKeys, merchants, stores, terminals } from './schema/index.js'

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
 * Executes the spec's seed plan at the writer in one transaction: merchants, catalogs,
 * inventory managers, a store and terminal per region, initial stock as restock deltas.
 * Keys are fresh per run; only their hashes are stored, the keys are returned once.
 * A second run fails with ER_DUP_ENTRY and writes nothing.
 */
export async function seedDemo(writerUrl: string, writer?: RegionId): Promise<DemoCredentials> {
  return executeSeedPlan(writerUrl, seedPlan(writer))
}

/** Inserts any seed plan the same way (the fleet tests seed their own tenants with it). */
export async function executeSeedPlan(writerUrl: string, plan: SeedPlan): Promise<DemoCredentials> {
  const managers = plan.managers.map((m) => ({ ...m, apiKey: newApiKey('pos_mgr') }))
  const tills = plan.terminals.map((t) => ({ ...t, apiKey: newApiKey('pos_term') }))
  const conn = await mysql.createConnection({ uri: writerUrl })
  try {
    await drizzle({ client: conn }).transaction(async (tx) => {
      await tx.insert(merchants).values([...plan.merchants])
      await tx.insert(catalogItems).values([...plan.catalogItems])
      await tx.insert(managerKeys).values(managers.map(({ apiKey, ...m }) => ({ ...m, apiKeyHash: sha256Hex(apiKey) })))
      await tx.insert(stores).values([...plan.stores])
      await tx.insert(terminals).values(tills.map(({ apiKey, region: _region, ...t }) => ({ ...t, apiKeyHash: sha256Hex(apiKey) })))
      await tx.insert(inventoryDeltas).values([...plan.stockDeltas])
    })
  } finally {
    await conn.end()
  }
  return {
    terminals: tills.map((t) => ({ merchantId: t.merchantId, storeId: t.storeId, region: t.region, terminalId: t.id, apiKey: t.apiKey })),
    inventoryManagers: managers.map((m) => ({ merchantId: m.merchantId, apiKey: m.apiKey })),
  }
}
