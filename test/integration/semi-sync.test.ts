/**
 * Semi-synchronous durability on the running fleet, without restarting it: the writer's
 * master side and the replicas' slave side are switched on at run time as root over the
 * sockets (the spec's settings, the timeouts shortened per test), and everything is put back
 * afterwards. The replicas' own master side stays off here: with no replica of their own they
 * would stall their applier for one timeout (see durability.ts); `fleet up --durability
 * semi-sync` pays that once at start.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { RowDataPacket } from 'mysql2/promise'
import { semiSyncSettings } from '@pos-fleet/topology/durability'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { durabilityStatus } from '../../packages/fleet/src/durability.js'
import { replicationStatus, semiSyncState } from '../../packages/fleet/src/infra/mariadb.js'
import { renderDurability } from '../../packages/fleet/src/render.js'
import { asRoot, waitWritePath } from '../support/faults.js'
import { eventually, fleet, postSale, readerRegions, regionIds, withDb } from '../support/fleet.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

const spec = new Map(semiSyncSettings('semi-sync'))
const writerSide = ['rpl_semi_sync_master_enabled', 'rpl_semi_sync_master_wait_point', 'rpl_semi_sync_master_timeout', 'rpl_semi_sync_master_wait_no_slave']

async function setGlobals(region: (typeof regionIds)[number], values: ReadonlyMap<string, string | number>): Promise<void> {
  await asRoot(region, async (db) => {
    // SHOW VARIABLES answers strings; a numeric variable refuses a string.
    for (const [name, value] of values) await db.query(`SET GLOBAL ${name} = ?`, [typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value])
  })
}

async function globals(region: (typeof regionIds)[number], names: readonly string[]): Promise<Map<string, string>> {
  return asRoot(region, async (db) => {
    const [rows] = await db.query<RowDataPacket[]>(`SHOW GLOBAL VARIABLES WHERE Variable_name IN (${names.map(() => '?').join(', ')})`, [...names])
    return new Map(rows.map((r) => [String(r.Variable_name), String(r.Value)]))
  })
}

/** The slave side is read when the IO thread starts: a reconnect makes the replica (un)register for acks. */
const restartIoThread = (region: (typeof regionIds)[number]) => asRoot(region, (db) => db.query('STOP SLAVE IO_THREAD').then(() => db.query('START SLAVE IO_THREAD')))
const startIoThread = (region: (typeof regionIds)[number]) => asRoot(region, (db) => db.query('START SLAVE IO_THREAD')).then(() => undefined)

/** Both replicas stop receiving (their IO threads stop, so the writer has nobody to ack); started again at the test's end. */
async function stopEveryIoThread(): Promise<void> {
  onTestFinished(() => Promise.all(readerRegions.map(startIoThread)).then(() => undefined))
  await Promise.all(readerRegions.map((r) => asRoot(r, (db) => db.query('STOP SLAVE IO_THREAD'))))
}

const setTimeoutMs = (ms: number) => setGlobals(fleet.writer, new Map([['rpl_semi_sync_master_timeout', ms]]))

/** A committed transaction of the test's own tenant, straight on the writer (no service deadline in between). */
async function commitAtWriter(t: Tenant): Promise<{ ms: number; gtid: string }> {
  return withDb(fleet.writer, async (db) => {
    const started = Date.now()
    await db.query('UPDATE merchants SET name = ? WHERE id = ?', [`semi-sync ${started}`, t.merchantId])
    const ms = Date.now() - started
    const [rows] = await db.query<RowDataPacket[]>('SELECT @@last_gtid AS gtid')
    return { ms, gtid: String(rows[0]!.gtid) }
  }, fleet.regions[fleet.writer].db.write)
}

/** The highest sequence number each replica's IO thread has received (its relay log). */
const receivedSeqs = () => Promise.all(readerRegions.map((r) => asRoot(r, async (db) => seqOf(String((await db.query<RowDataPacket[]>('SHOW SLAVE STATUS'))[0][0]!.Gtid_IO_Pos)))))

/** Semi-sync on at the writer, with every replica registered for acks (after a fallback: once they caught up). */
const untilEveryReplicaAcks = () =>
  eventually(async () => {
    const s = await semiSyncState(fleet.writer)
    return s.masterActive && s.clients === readerRegions.length
  }, 20_000, `every replica acking the writer ${fleet.writer}`)

const seqOf = (gtid: string) => Math.max(0, ...gtid.split(',').map((g) => Number(g.trim().split('-')[2] ?? 0)))

describe('semi-synchronous replication on the running fleet', () => {
  let t: Tenant
  let saved: Record<string, Map<string, string>>

  beforeAll(async () => {
    t = await seedTenant()
    saved = Object.fromEntries(await Promise.all(regionIds.map(async (r) => [r, await globals(r, [...spec.keys()])] as const)))
    await Promise.all(readerRegions.map((r) => setGlobals(r, new Map([['rpl_semi_sync_slave_enabled', 'ON']]))))
    await Promise.all(readerRegions.map(restartIoThread))
    // Enabled before the replicas are back, the writer would hold every commit until they are.
    await eventually(async () => (await Promise.all(readerRegions.map(replicationStatus))).every((r) => r?.ioThread === 'Yes'), 20_000, 'replicas reconnected')
    await setGlobals(fleet.writer, new Map(writerSide.map((k) => [k, spec.get(k)!])))
    await untilEveryReplicaAcks()
    await Promise.all(regionIds.map((r) => waitWritePath(r, true, 30_000)))
  })

  afterAll(async () => {
    await setGlobals(fleet.writer, saved[fleet.writer]!)
    for (const r of readerRegions) await setGlobals(r, new Map([['rpl_semi_sync_slave_enabled', saved[r]!.get('rpl_semi_sync_slave_enabled')!]]))
    await Promise.all(readerRegions.map(restartIoThread))
    // Commits held for an ack may have opened breakers; the next file starts with every write path up.
    await Promise.all(regionIds.map((r) => waitWritePath(r, true, 30_000)))
  })

  it('acknowledges a sale only once a replica has received it, counting each in Rpl_semi_sync_master_yes_tx', async () => {
    for (const region of [fleet.writer, ...readerRegions]) {
      const before = await semiSyncState(fleet.writer)
      const sale = await postSale(t.till(region), t.sale(region, 1))
      expect(sale.status, region).toBe(201)
      // What the replicas have received (relay log) the instant the POS heard "committed".
      const received = await Promise.all(readerRegions.map((r) => asRoot(r, async (db) => String((await db.query<RowDataPacket[]>('SHOW SLAVE STATUS'))[0][0]!.Gtid_IO_Pos))))
      expect(Math.max(...received.map(seqOf)), `${region}: a replica holds the sale's GTID ${sale.body.sessionToken}`).toBeGreaterThanOrEqual(seqOf(sale.body.sessionToken))
      const after = await semiSyncState(fleet.writer)
      expect(after.yesTx - before.yesTx, region).toBeGreaterThanOrEqual(1)
      expect(after.noTx - before.noTx, region).toBe(0)
      expect(after.masterActive).toBe(true)
    }
  })

  it('falls back to async once the timeout passes without an ack, which fleet status reports, and recovers by itself', async () => {
    const timeoutMs = 3_000
    await setTimeoutMs(timeoutMs)
    onTestFinished(() => setTimeoutMs(Number(spec.get('rpl_semi_sync_master_timeout'))))
    await untilEveryReplicaAcks()
    const stoppedAt = Date.now()
    await stopEveryIoThread()
    const before = await semiSyncState(fleet.writer)

    const { gtid } = await commitAtWriter(t)
    // The first commit to time out switches the writer to async and releases every waiter; a
    // service's commit just before the stop (one WAN hop, 80 ms, from being received) can be it.
    const heldMs = Date.now() - stoppedAt
    expect(heldMs, 'held until the semi-sync timeout').toBeGreaterThanOrEqual(timeoutMs - 500)
    // Released by the fallback, not by an ack: no replica has received it (their IO threads are still stopped).
    for (const seq of await receivedSeqs()) expect(seq, `a replica received ${gtid}`).toBeLessThan(seqOf(gtid))
    const fallen = await durabilityStatus(fleet)
    expect(fallen.semiSyncActive).toBe(false)
    expect(renderDurability(fallen)[0]).toMatch(/^durability semi-sync FELL BACK TO ASYNC \(started async, semi-sync now\) at writer /)
    // Async now: the next commit does not wait, and counts as unacknowledged.
    expect((await commitAtWriter(t)).ms).toBeLessThan(timeoutMs)
    expect((await semiSyncState(fleet.writer)).noTx - before.noTx).toBeGreaterThanOrEqual(2)

    await Promise.all(readerRegions.map(startIoThread))
    await eventually(async () => (await semiSyncState(fleet.writer)).masterActive, 20_000, 'semi-sync active again once a replica caught up')
    expect(renderDurability(await durabilityStatus(fleet))[0]).toContain('ACTIVE')
  })

  it('holds a writer commit while no replica can ack, and returns it on the first ack once one is back', async () => {
    // The spec's timeout: the commit must come back through an ack, well before it. A replica
    // reconnecting through the 160 ms WAN needs about 2.5 s (a dozen round trips).
    const timeoutMs = Number(spec.get('rpl_semi_sync_master_timeout'))
    await untilEveryReplicaAcks()
    await stopEveryIoThread()
    const before = await semiSyncState(fleet.writer)
    let returned = false
    const commit = commitAtWriter(t).finally(() => {
      returned = true
    })
    await sleep(2_000)
    expect(returned, 'a commit nobody acknowledged came back').toBe(false)
    expect((await semiSyncState(fleet.writer)).masterActive).toBe(true)

    await startIoThread(readerRegions[0]!)
    const { ms } = await commit
    expect(ms, 'returned by an ack, not by the timeout').toBeLessThan(timeoutMs)
    const after = await semiSyncState(fleet.writer)
    expect(after.yesTx - before.yesTx).toBeGreaterThanOrEqual(1)
    expect(after.masterActive).toBe(true)
  })
})
