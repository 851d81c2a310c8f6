// Throwaway (not committed): storefront and inventory-delta in-process with in-memory stand-ins on ports outside the fleet's range.
import { buildApp as sf } from './dist/app.js'
import { buildApp as inv } from '../inventory-delta/dist/app.js'
import { regionalDeps } from '../../packages/platform/dist/test-doubles.js'
const keys = { term: { kind: 'terminal', id: 't1', merchantId: 'm', storeId: 'st-eu' }, mgr: { kind: 'manager', id: 'g', merchantId: 'm' } }
const ITEMS = [{ sku: 'ESP-DBL', name: 'Espresso', priceMinor: 350, currency: 'EUR' }]
const committed = new Map()
const byKey = async (m, k) => [...committed.values()].find((s) => s.idempotencyKey === k)
const a = sf({ ...regionalDeps(keys), repositories: {
  catalog: { page: async () => ITEMS, item: async (_m, sku) => ITEMS.find((i) => i.sku === sku), prices: async (_m, skus) => ITEMS.filter((i) => skus.includes(i.sku)), offlineFloorLimitMinor: async () => 5000, store: async (id) => id === 'st-eu' ? { id, merchantId: 'm', region: 'eu-central-1', name: 'x' } : undefined },
  sales: { async commit(sale) { committed.set(sale.saleId, { ...sale, status: 'committed', totalMinor: sale.priced.totalMinor, currency: sale.priced.currency, lines: sale.priced.lines, payment: { paymentId: sale.paymentId, method: sale.payment.method, status: 'pending', amountMinor: sale.payment.amountMinor } }); return { sessionToken: '0-1-42' } },
    read: async (m, id) => ({ sale: committed.get(id), source: 'replica' }), byKeyOnWritePath: byKey, byKeyOnReplica: byKey, writerPosition: async () => '0-1-43' } } })
const rows = new Map()
const b = inv({ ...regionalDeps(keys), deltas: {
  storeOf: async (id) => (id === 'st-eu' ? { id, merchantId: 'm', region: 'eu-central-1', name: 'F' } : undefined),
  skuExists: async (_m, sku) => sku === 'ESP-DBL',
  async append(m, region, d) { rows.set(d.deltaId, { ...d, merchantId: m }); return { gtid: '0-1-7' } },
  findOnWritePath: async (id) => rows.get(id), findOnReplica: async (id) => rows.get(id), oversold: async () => [],
  stockReader: async () => ({ source: 'replica', onHand: async () => 0, existingDeltaIds: async () => new Set() }) } })
await a.listen({ host: '127.0.0.1', port: 19501 })
await b.listen({ host: '127.0.0.1', port: 19502 })
console.log('listening')
