/**
 * The baseline: the same catalog read as storefront's GET /v1/catalog/items and the same
 * stock read as inventory-delta's GET /v1/inventory/:storeId/:sku, served by a bare
 * fastify + mysql2 handler — no auth, no platform layer, no telemetry — against the same
 * replica. Run as its own process so it does not share the load generator's CPU.
 * Prints {"port": N} once listening.
 */
import Fastify from 'fastify'
import mysql from 'mysql2/promise'

const url = process.env.DB_READ_URL
const merchantId = process.env.MERCHANT_ID
if (!url || !merchantId) {
  process.stderr.write('bare-catalog-server: set DB_READ_URL and MERCHANT_ID\n')
  process.exit(2)
}
// trace: false as in the platform (packages/platform/src/db/client.ts): the same mysql2, configured alike.
const pool = mysql.createPool({ uri: url, connectionLimit: 10, trace: false })
const app = Fastify({ logger: false })
app.get('/v1/catalog/items', async () => {
  const [rows] = await pool.query(
    'SELECT sku, name, price_minor AS priceMinor, currency FROM catalog_items WHERE merchant_id = ? ORDER BY sku LIMIT 50',
    [merchantId],
  )
  return { items: rows, nextCursor: null }
})
app.get<{ Params: { storeId: string; sku: string } }>('/v1/inventory/:storeId/:sku', async (request) => {
  const { storeId, sku } = request.params
  const [rows] = await pool.query('SELECT COALESCE(SUM(quantity), 0) AS onHand FROM inventory_deltas WHERE store_id = ? AND sku = ?', [storeId, sku])
  return { storeId, sku, onHand: Number((rows as Array<{ onHand: string }>)[0]?.onHand ?? 0) }
})
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`)
const stop = async () => {
  await app.close()
  await pool.end()
  process.exit(0)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
