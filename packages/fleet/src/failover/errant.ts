/**
 * A crashed writer's errant transactions: what it committed (and may have acknowledged) that
 * never reached the replica promoted in its place — the asynchronous RPO. Found in its own
 * binlog from the promotion's GTID position on, recovered by replaying the sales and restocks
 * they carry through the store-and-forward path under their own ids (the services' idempotent
 * reconcilers commit them at the new writer, exactly once), then undone on the old writer with
 * MariaDB's flashback so it can rejoin as a replica of the new one.
 */
import { join } from 'node:path'
import { execa } from 'execa'
import { Kafka, logLevel } from 'kafkajs'
import type { RowDataPacket } from 'mysql2/promise'
import { DATABASE_NAME } from '@pos-fleet/topology/database'
import { type RegionId, region as regionSpec, topology } from '@pos-fleet/topology'
import { admin, binlogGtid } from '../infra/mariadb.js'
import { regionPaths, requireExecutable } from '../infra/paths.js'
import { messageOf } from '../errors.js'
import { missingTransactions } from './gtid.js'

export interface ErrantTransactions {
  /** How many GTIDs the old writer holds beyond the promotion position. */
  readonly gtids: number
  /** Ids of the sales and of the restocks/adjustments those transactions inserted. */
  readonly saleIds: readonly string[]
  readonly deltaIds: readonly string[]
}

/** The old writer's binlog files, oldest first, as paths mariadb-binlog can read. */
async function binlogFiles(region: RegionId): Promise<string[]> {
  const rows = await admin(region, async (db) => (await db.query<RowDataPacket[]>('SHOW BINARY LOGS'))[0])
  return rows.map((r) => join(regionPaths(region).mariadb.data, String(r.Log_name)))
}

/** 1-based column positions, as mariadb-binlog -v prints row images (`@3=…`). */
async function columnPositions(region: RegionId, table: string): Promise<Map<string, number>> {
  const rows = await admin(region, async (db) =>
    (await db.query<RowDataPacket[]>('SELECT COLUMN_NAME AS name, ORDINAL_POSITION AS pos FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [DATABASE_NAME, table]))[0],
  )
  return new Map(rows.map((r) => [String(r.name), Number(r.pos)]))
}

async function runBinlog(region: RegionId, args: readonly string[]): Promise<string> {
  const files = await binlogFiles(region)
  const result = await execa(requireExecutable('mariadb-binlog'), [...args, ...files], { reject: false, maxBuffer: 256 * 1024 * 1024 })
  if (result.exitCode !== 0) throw new Error(`mariadb-binlog ${args.join(' ')} failed in ${region}: ${String(result.stderr).trim().split('\n').slice(-3).join(' | ')}`)
  return String(result.stdout)
}

/**
 * Row images of INSERTs into `table`, from `mariadb-binlog -v` output: one map of
 * column position → value (quotes stripped) per inserted row.
 */
export function insertedRows(decoded: string, table: string): Array<Map<number, string>> {
  const rows: Array<Map<number, string>> = []
  const header = `### INSERT INTO \`${DATABASE_NAME}\`.\`${table}\``
  let current: Map<number, string> | undefined
  for (const line of decoded.split('\n')) {
    if (line.startsWith('### INSERT INTO ') || line.startsWith('### UPDATE ') || line.startsWith('### DELETE FROM ') || !line.startsWith('###')) {
      current = undefined
      if (line === header) rows.push((current = new Map()))
      continue
    }
    const match = current && /^###\s+@(\d+)=(.*)$/.exec(line)
    if (match && current) current.set(Number(match[1]), match[2]!.replace(/^'(.*)'$/, '$1'))
  }
  return rows
}

/** What `region`'s binlog holds beyond `promotionGtid` (the new writer's position when it was promoted). */
export async function findErrant(region: RegionId, promotionGtid: string): Promise<ErrantTransactions> {
  const gtids = missingTransactions(await binlogGtid(region), promotionGtid)
  if (gtids === 0) return { gtids, saleIds: [], deltaIds: [] }
  const decoded = await runBinlog(region, ['--base64-output=decode-rows', '--verbose', `--start-position=${promotionGtid}`])
  const [sales, deltas] = await Promise.all([columnPositions(region, 'sales'), columnPositions(region, 'inventory_deltas')])
  const saleIds = insertedRows(decoded, 'sales').map((r) => r.get(sales.get('id')!)!)
  // A sale's own stock deltas come back with the sale; only restocks and adjustments stand alone.
  const deltaIds = insertedRows(decoded, 'inventory_deltas')
    .filter((r) => r.get(deltas.get('reason')!) !== 'sale')
    .map((r) => r.get(deltas.get('delta_id')!)!)
  return { gtids, saleIds, deltaIds }
}

/** The storefront's queued-sale message (`pos.sales.pending`), rebuilt from the old writer's rows. */
async function pendingSales(region: RegionId, saleIds: readonly string[]) {
  if (saleIds.length === 0) return []
  return admin(region, async (db) => {
    const [sales] = await db.query<RowDataPacket[]>(`SELECT * FROM ${DATABASE_NAME}.sales WHERE id IN (?)`, [saleIds])
    const [lines] = await db.query<RowDataPacket[]>(`SELECT * FROM ${DATABASE_NAME}.sale_lines WHERE sale_id IN (?) ORDER BY sale_id, line_no`, [saleIds])
    const [payments] = await db.query<RowDataPacket[]>(`SELECT * FROM ${DATABASE_NAME}.payments WHERE sale_id IN (?)`, [saleIds])
    const [outbox] = await db.query<RowDataPacket[]>(`SELECT id, aggregate_id FROM ${DATABASE_NAME}.outbox WHERE event_type = 'payment.requested' AND aggregate_id IN (?)`, [
      payments.map((p) => p.id),
    ])
    return sales.map((s) => {
      const payment = payments.find((p) => p.sale_id === s.id)!
      return {
        saleId: String(s.id),
        paymentId: String(payment.id),
        outboxId: String(outbox.find((o) => o.aggregate_id === payment.id)!.id),
        merchantId: String(s.merchant_id),
        storeId: String(s.store_id),
        terminalId: String(s.terminal_id),
        region: String(s.origin_region) as RegionId,
        idempotencyKey: String(s.idempotency_key),
        requestHash: String(s.request_hash),
        priced: {
          lines: lines
            .filter((l) => l.sale_id === s.id)
            .map((l) => ({ lineNo: Number(l.line_no), sku: String(l.sku), quantity: Number(l.quantity), unitPriceMinor: Number(l.unit_price_minor), lineTotalMinor: Number(l.line_total_minor) })),
          totalMinor: Number(s.total_minor),
          currency: String(s.currency),
        },
        payment: { method: String(payment.method), ...(payment.token ? { token: String(payment.token) } : {}), amountMinor: Number(payment.amount_minor) },
        acceptedAt: new Date(s.created_at).toISOString(),
      }
    })
  })
}

/** inventory-delta's queued-delta message (`pos.inventory.pending`), rebuilt from the old writer's rows. */
async function pendingDeltas(region: RegionId, deltaIds: readonly string[]) {
  if (deltaIds.length === 0) return []
  return admin(region, async (db) => {
    const [rows] = await db.query<RowDataPacket[]>(`SELECT * FROM ${DATABASE_NAME}.inventory_deltas WHERE delta_id IN (?)`, [deltaIds])
    return rows.map((d) => ({
      deltaId: String(d.delta_id),
      storeId: String(d.store_id),
      sku: String(d.sku),
      quantity: Number(d.quantity),
      reason: String(d.reason),
      merchantId: String(d.merchant_id),
      originRegion: String(d.origin_region) as RegionId,
      acceptedAt: new Date(d.created_at).toISOString(),
    }))
  })
}

/**
 * Queues the errant sales and restocks in their origin region's Kafka, keyed as the services
 * key them (a terminal's sales stay in order), for that region's reconcilers to commit at the
 * writer. A sale the new writer already has (a terminal retried it there) is found under its
 * key and counted once. Returns how many messages were queued.
 */
export async function replayErrant(errantRegion: RegionId, errant: ErrantTransactions): Promise<number> {
  const [sales, deltas] = await Promise.all([pendingSales(errantRegion, errant.saleIds), pendingDeltas(errantRegion, errant.deltaIds)])
  const byRegion = new Map<RegionId, Array<{ topic: string; key: string; value: string }>>()
  const queue = (region: RegionId, topic: string, key: string, value: unknown) =>
    byRegion.set(region, [...(byRegion.get(region) ?? []), { topic, key, value: JSON.stringify(value) }])
  for (const s of sales) queue(s.region, topology.kafka.topics.pendingSales, s.terminalId, s)
  for (const d of deltas) queue(d.originRegion, topology.kafka.topics.pendingDeltas, `${d.storeId}:${d.sku}`, d)
  for (const [region, messages] of byRegion) {
    const port = regionSpec(region).ports.kafka
    const kafka = new Kafka({ clientId: `fleet-errant-replay-${region}`, brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    try {
      for (const topic of new Set(messages.map((m) => m.topic))) {
        await producer.send({ topic, acks: -1, messages: messages.filter((m) => m.topic === topic).map(({ key, value }) => ({ key, value })) })
      }
    } catch (error) {
      throw new Error(`cannot queue errant transactions in ${region}'s Kafka: ${messageOf(error)}`, { cause: error })
    } finally {
      await producer.disconnect()
    }
  }
  return sales.length + deltas.length
}

/**
 * Undoes the errant transactions on the old writer (flashback: the inverse row events, newest
 * first, applied without binlogging), then forgets its binlog, so its position is exactly the
 * promotion's and replication from the new writer continues from there.
 */
export async function rewindToPromotion(region: RegionId, promotionGtid: string, errantGtids: number): Promise<void> {
  if (errantGtids > 0) {
    const inverse = await runBinlog(region, ['--flashback', `--start-position=${promotionGtid}`])
      const applied = await execa(
      requireExecutable('mariadb'),
      ['--socket', regionPaths(region).mariadb.socket, '-uroot', '--init-command=SET SESSION sql_log_bin = 0', DATABASE_NAME],
      { input: inverse, reject: false },
    )
    if (applied.exitCode !== 0) throw new Error(`flashback of ${errantGtids} errant transactions on ${region} failed: ${String(applied.stderr).trim()}`)
  }
  await admin(region, async (db) => {
    await db.query('STOP SLAVE')
    await db.query('RESET MASTER')
    await db.query('SET GLOBAL gtid_slave_pos = ?', [promotionGtid])
  })
}
