import { randomUUID } from 'node:crypto'
import { Kafka, logLevel } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { region as regionSpec, topology } from '@pos-fleet/topology'
import { replayerGroup } from '@pos-fleet/topology/kafka'
import { cutRegion, fleetService, healRegion, kill, waitWritePath } from '../support/faults.js'
import { call, eventually, inventory, postSale, storefront, writerQuery } from '../support/fleet.js'
import { getSale } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const region = 'eu-central-1' as const
const topic = topology.kafka.topics.pendingSales
const SALES = 10_000
/** Requests in flight while queueing: enough to keep the storefront busy, few enough for its pools. */
const CONCURRENCY = 48

interface ViewStats {
  entries: number
  readAtStart: number
  skippedAtStart: number
}

/** A service's view of the pending-sales topic, as its /readyz reports it. */
async function viewOf(service: string): Promise<ViewStats> {
  const r = await call(`${service}/readyz`)
  const stats = r.body?.checks?.[topic]?.stats as ViewStats | undefined
  if (!stats) throw new Error(`${service}/readyz has no ${topic} view: ${JSON.stringify(r.body)}`)
  return stats
}

/** The topic's offsets in the region's own broker and what the reconciler has committed, per partition. */
async function offsets() {
  const kafka = new Kafka({ clientId: `bounded-views-${randomUUID()}`, brokers: [`127.0.0.1:${regionSpec(region).ports.kafka}`], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  try {
    const topicOffsets = await admin.fetchTopicOffsets(topic)
    const [committed] = await admin.fetchOffsets({ groupId: replayerGroup(topic, region), topics: [topic] })
    return topicOffsets
      .map((p) => ({ partition: p.partition, low: Number(p.low), end: Number(p.high), committed: Number(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? -1) }))
      .sort((a, b) => a.partition - b.partition)
  } finally {
    await admin.disconnect()
  }
}

/** Sells `n` cash sales with CONCURRENCY requests in flight; returns the accepted sale ids. */
async function queueSales(t: Tenant, n: number): Promise<string[]> {
  const ids: string[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next++
        const r = await postSale(t.till(region), t.sale(region, 1))
        if (r.status !== 202) throw new Error(`sale answered ${r.status}: ${JSON.stringify(r.body)}`)
        ids.push(r.body.saleId)
      }
    }),
  )
  return ids
}

async function committedAtWriter(t: Tenant): Promise<number> {
  const [row] = await writerQuery<{ n: number }>('SELECT COUNT(*) AS n FROM sales WHERE merchant_id = ?', [t.merchantId])
  return Number(row?.n ?? 0)
}

/** SIGKILLs the region's storefront and starts it again; returns how long the new one took to be ready. */
async function restartStorefront(): Promise<number> {
  const restart = await kill(fleetService(`storefront-${region}`))
  const started = performance.now()
  await restart()
  return Math.round(performance.now() - started)
}

const note = (line: string) => process.stderr.write(`[bounded views] ${line}\n`)

describe('store-and-forward views are bounded by what is still pending', () => {
  let t: Tenant
  beforeAll(async () => {
    t = await seedTenant()
  })

  it('hold 10,000 sales queued in a partition, empty once the replica has them, and a restarted storefront reads none of the history', async () => {
    await cutRegion(region)
    await waitWritePath(region, false)
    let started = performance.now()
    const ids = await queueSales(t, SALES)
    note(`${SALES} sales queued in ${Math.round(performance.now() - started)} ms (${CONCURRENCY} in flight)`)
    expect(new Set(ids).size).toBe(SALES)
    expect((await viewOf(storefront(region))).entries).toBeGreaterThanOrEqual(SALES)
    await eventually(async () => (await viewOf(inventory(region))).entries >= SALES, 60_000, 'inventory-delta sees the queued sales')

    // Restarted while cut off, the storefront reads back what is pending and still shows it.
    const readyWhilePending = await restartStorefront()
    const pending = await viewOf(storefront(region))
    note(`storefront restarted with ${pending.entries} pending: ready in ${readyWhilePending} ms, read ${pending.readAtStart}, skipped ${pending.skippedAtStart}`)
    expect(pending.entries).toBeGreaterThanOrEqual(SALES)
    expect(pending.readAtStart).toBeGreaterThanOrEqual(pending.entries)
    const sample = await getSale(t.till(region), ids[SALES - 1]!)
    expect(sample.body).toMatchObject({ status: 'provisional', readFrom: 'local-queue' })

    await healRegion(region)
    started = performance.now()
    await eventually(async () => (await committedAtWriter(t)) === SALES, 300_000, `${SALES} sales committed at the writer`)
    const reconcileMs = performance.now() - started
    note(`${SALES} sales reconciled in ${Math.round(reconcileMs)} ms after the heal (${Math.round(SALES / (reconcileMs / 1000))} sales/s)`)

    // Both views empty once the reconciler's committed offsets pass everything (the replica has it).
    await eventually(
      async () => (await viewOf(storefront(region))).entries === 0 && (await viewOf(inventory(region))).entries === 0,
      120_000,
      'both views empty',
    )
    const replayed = await offsets()
    // A partition nothing was ever queued to has no committed offset.
    for (const p of replayed) expect(p.end === p.low ? p.end : p.committed, `partition ${p.partition}`).toBe(p.end)
    const history = replayed.reduce((n, p) => n + p.end - p.low, 0)
    expect(history).toBeGreaterThanOrEqual(SALES)
    const settled = await getSale(t.till(region), ids[SALES - 1]!)
    expect(settled.body).toMatchObject({ status: 'committed', readFrom: 'replica' })

    // A restart now reads from the committed offsets: nothing of the history, whatever its length.
    const readyAfter = await restartStorefront()
    const after = await viewOf(storefront(region))
    note(`storefront restarted over a history of ${history} messages, none pending: ready in ${readyAfter} ms, read ${after.readAtStart}, skipped ${after.skippedAtStart}`)
    expect(after).toEqual({ entries: 0, readAtStart: 0, skippedAtStart: history })
  }, 900_000)
})
