import { randomUUID } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { type RegionId, region, topology, wanLink } from '@pos-fleet/topology'
import { runCli } from '../../packages/fleet/src/commands/program.js'
import { endpointsFile, readEndpoints, withWriter, writeEndpoints } from '../../packages/fleet/src/endpoints.js'
import { recordedDurability } from '../../packages/fleet/src/durability.js'
import { findErrant, replayErrant, rewindToPromotion } from '../../packages/fleet/src/failover/errant.js'
import {
  detectWriterDeath,
  fenceLostWriter,
  loseWriterRegion,
  promoteSurvivor,
  rankSurvivors,
  rejoinAsReplica,
  reopenWritePath,
  repointSurvivors,
  restartFenced,
} from '../../packages/fleet/src/failover/unplanned.js'
import { failoverLockFile } from '../../packages/fleet/src/failover/lock.js'
import { relocatePaymentsWorker, switchover } from '../../packages/fleet/src/failover/switchover.js'
import { binlogGtid, isReadOnly, replicationStatus, waitReplicaCaughtUp } from '../../packages/fleet/src/infra/mariadb.js'
import { type FailoverDrillReport, formatFailoverReport } from '../../packages/fleet/src/drill/failover-drill.js'
import { listProcesses } from '../../packages/fleet/src/infra/processes.js'
import { globalProxyState } from '../../packages/fleet/src/infra/toxiproxy.js'
import { asRoot } from '../support/faults.js'
import { call, eventually, fleet, postSale, regionIds, storefront } from '../support/fleet.js'
import { expectSalesExactly, gatewayCharges } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

const initial = topology.writer
const target: RegionId = 'eu-central-1'
const current = () => readEndpoints(endpointsFile)

/** Back to the spec's initial writer, so the files after this one find the fleet they expect. */
async function restoreInitialWriter(): Promise<void> {
  if (current().writer !== initial) await switchover(current(), { to: initial })
}

/**
 * Sales from every region's till until stopped, recording every accepted key → sale id. A
 * switchover may answer a sale 202 (the write path fenced or re-pointing: queued and
 * reconciled), never anything else.
 */
function sellEverywhere(shop: Tenant) {
  const accepted = new Map<string, string>()
  const statuses: number[] = []
  let stop = false
  const loops = regionIds.map(async (region) => {
    while (!stop) {
      const key = randomUUID()
      const r = await postSale(shop.till(region), shop.sale(region), key)
      statuses.push(r.status)
      if (r.status === 201 || r.status === 202) accepted.set(key, r.body.saleId)
      await sleep(100)
    }
  })
  return {
    accepted,
    statuses,
    async stop() {
      stop = true
      await Promise.all(loops)
    },
  }
}

/** A card sale from every region, each captured once at the gateway. */
async function cardSalesCaptured(shop: Tenant): Promise<void> {
  const paymentIds = await Promise.all(
    regionIds.map(async (region) => {
      const r = await postSale(shop.till(region), shop.sale(region, 1, { card: 'tok_visa' }))
      expect(r.status, `card sale from ${region}`).toBe(201)
      return r.body.payment.paymentId as string
    }),
  )
  for (const id of paymentIds) {
    const { charges } = await eventually(async () => {
      const c = await gatewayCharges(id)
      return c.charges.length > 0 ? c : undefined
    }, 30_000, `capture of ${id}`)
    expect(charges).toHaveLength(1)
  }
}

async function switchUnderLoad(shop: Tenant, to: RegionId) {
  const sales = sellEverywhere(shop)
  await sleep(1_500)
  const report = await switchover(current(), { to }).finally(async () => {
    await sleep(2_000)
    await sales.stop()
  })
  expect(report.rpoTransactions).toBe(0)
  const count = (status: number) => sales.statuses.filter((s) => s === status).length
  process.stderr.write(`[failover] → ${to}: ${report.totalMs} ms; sales during it: ${count(201)} × 201, ${count(202)} × 202 (queued, reconciled)\n`)
  expect(sales.statuses.filter((status) => status !== 201 && status !== 202)).toEqual([])
  expect(sales.statuses.filter((s) => s === 201).length).toBeGreaterThan(0)
  await expectSalesExactly(shop, sales.accepted, 60_000)
  return { report, sales }
}

async function expectWriter(writer: RegionId): Promise<void> {
  const e = current()
  expect(e.writer).toBe(writer)
  for (const region of regionIds) {
    expect(e.regions[region].role, region).toBe(region === writer ? 'writer' : 'reader')
    expect(Boolean(e.regions[region].paymentsWorker), `${region} paymentsWorker`).toBe(region === writer)
    // The write URL never changes: the region's own global proxy.
    expect(e.regions[region].db.write).toBe(fleet.regions[region].db.write)
    // Services learn the role from their own instance.
    await eventually(async () => (await call(`${storefront(region)}/readyz`)).body.role === e.regions[region].role, 10_000, `${region} /readyz role`)
  }
  expect(listProcesses().filter((p) => p.name.startsWith('payments-worker-')).map((p) => p.name)).toEqual([`payments-worker-${writer}`])
  const globals = await globalProxyState()
  const writerPort = region(writer).ports.mariadb
  for (const g of globals) {
    expect(g.upstream, g.region).toBe(`127.0.0.1:${writerPort}`)
    expect(g.latencyMs.upstream, g.region).toBe(g.region === writer ? 0 : Math.round(((e.rttMs[g.region]?.[writer] ?? 0) / 2) * e.wanScale))
  }
}

/** An application-account write on a region's own instance. */
async function appWrite(region: RegionId): Promise<unknown> {
  const db = await mysql.createConnection({ uri: fleet.regions[region].db.read, connectTimeout: 5_000 })
  try {
    return await db.query("INSERT INTO heartbeats (region, beat_at) VALUES ('failover-test', NOW(6)) ON DUPLICATE KEY UPDATE beat_at = NOW(6)")
  } finally {
    await db.end().catch(() => db.destroy())
  }
}

async function fleetCli(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}

describe('fleet failover --to REGION: a planned switchover', () => {
  // A tenant per switchover: each test's expectSalesExactly sees only its own sales.
  let there: Tenant
  let back: Tenant
  beforeAll(async () => {
    ;[there, back] = await seedTenants({}, {})
  })
  afterAll(restoreInitialWriter, 120_000)

  it(`moves the writer to ${target} under sales from every region: RPO 0, every accepted sale committed once, payments captured there`, async () => {
    const { report } = await switchUnderLoad(there, target)
    expect(report).toMatchObject({ from: initial, to: target })
    expect(report.steps.map((s) => s.step)).toEqual(['fence old writer', 'target applies last GTID', 'verify RPO', 'promote', 're-point global write paths', 're-point replicas', 'relocate payments-worker'])
    await expectWriter(target)
    await cardSalesCaptured(there)
    // The old writer is a replica now: an application write there is refused (1290).
    await expect(appWrite(initial)).rejects.toMatchObject({ errno: 1290 })
    expect(await isReadOnly(initial)).toBe(true)
    expect(await isReadOnly(target)).toBe(false)
  }, 180_000)

  it(`switches back to ${initial} the same way`, async () => {
    if (current().writer !== target) await switchover(current(), { to: target })
    await switchUnderLoad(back, initial)
    await expectWriter(initial)
    await cardSalesCaptured(back)
    await expect(appWrite(target)).rejects.toMatchObject({ errno: 1290 })
  }, 180_000)
})

describe('fleet drill failover: the writer region lost under load', () => {
  afterAll(restoreInitialWriter, 120_000)

  async function drill(...flags: string[]): Promise<FailoverDrillReport> {
    const r = await fleetCli('drill', 'failover', '--json', ...flags)
    const report = JSON.parse(r.stdout) as FailoverDrillReport
    process.stderr.write(`[drill failover] ${report.from} → ${report.to}: ${formatFailoverReport(report)}\n`)
    expect(r.code, r.stderr).toBe(0)
    return report
  }

  /** Every invariant of the drill, and the fleet it leaves: `to` the writer, the old writer a replica of it. */
  async function expectRecovered(report: FailoverDrillReport, from: RegionId, to: RegionId, shop: Tenant): Promise<void> {
    expect(report).toMatchObject({ from, to, lost: 0, duplicated: 0, paymentsCapturedOnce: true, paymentsNotSettled: 0, stockConverged: true, ok: true })
    expect(report.steps.map((s) => s.step)).toEqual([
      'detect',
      'fence',
      'choose',
      'promote',
      're-point replicas',
      're-point write paths',
      'relocate payments-worker',
      'first sale committed',
      'reconcile',
      'restart old writer fenced',
      'find errant transactions',
      'recover errant',
      'rejoin old writer',
    ])
    // Every region, the lost one included, kept accepting sales.
    for (const region of regionIds) expect(report.perRegion[region].salesOnline + report.perRegion[region].salesOffline, region).toBeGreaterThan(0)
    expect(report.reconciled).toBe(report.provisional)
    expect(report.rto.firstCommitMs).not.toBeNull()
    // Restarted before it rejoined, the old writer refused an application write on its own port.
    expect(report.fence).toMatch(/application write refused: .*\(1290\)$/)
    await expectWriter(to)
    expect(current().regions[from].fenced).toBeUndefined()
    await cardSalesCaptured(shop)
    // Rejoined: a replica of the new writer that refuses application writes and has caught up.
    await expect(appWrite(from)).rejects.toMatchObject({ errno: 1290 })
    const status = await replicationStatus(from)
    expect(status).toMatchObject({ ioThread: 'Yes', sqlThreadRunning: true, masterPort: wanLink(from, to).listenPort })
    await waitReplicaCaughtUp(from, await binlogGtid(to), 15_000)
  }

  let away: Tenant
  let home: Tenant
  let fenceShop: Tenant
  beforeAll(async () => {
    ;[away, home, fenceShop] = await seedTenants({}, {}, {})
  })

  it(`loses ${initial} with 2 s of replication held in the WAN: the acknowledged sales only it had are found as errant GTIDs and recovered; lost 0, duplicated 0`, async () => {
    const report = await drill('--to', target, '--lag', '2s')
    await expectRecovered(report, initial, target, away)
    // Asynchronous replication: what the writer acknowledged during the hold died with it...
    expect(report.durability.acknowledgedLossPossible).toBe(true)
    expect(report.rpoSalesAtPromotion).toBeGreaterThan(0)
    // ...and came back from its binlog: every errant sale is committed at the new writer.
    expect(report.errant.sales).toBeGreaterThanOrEqual(report.rpoSalesAtPromotion)
    expect(report.errant.recovered).toBe(report.errant.sales + report.errant.restocks)
  }, 300_000)

  it(`fails back to ${initial}, the rejoined old writer, choosing nothing but the target`, async () => {
    if (current().writer !== target) await switchover(current(), { to: target })
    const report = await drill('--to', initial)
    await expectRecovered(report, target, initial, home)
  }, 300_000)

  it('fences the lost writer: restarted, it refuses application writes and replicates from nobody until it has rejoined', async () => {
    const e = current()
    const from = e.writer
    const to = regionIds.find((r) => r !== from && r !== 'us-east-1')!
    const durability = recordedDurability(e)
    await loseWriterRegion(from)
    await detectWriterDeath(from)
    await fenceLostWriter(from, durability)
    // Cut before anything is promoted: no region's write path leads anywhere.
    expect((await globalProxyState()).filter((g) => g.enabled)).toEqual([])
    const promotion = await promoteSurvivor(to, await rankSurvivors(from))
    await repointSurvivors(to, from)
    await reopenWritePath(to, e.wanScale)
    await relocatePaymentsWorker(from, to)
    writeEndpoints(endpointsFile, withWriter(e, to, to))
    await restartFenced(from)

    // Fenced: up, read-only from its my.cnf, replicating from nobody, out of every write path.
    await expect(appWrite(from)).rejects.toMatchObject({ errno: 1290 })
    expect(await isReadOnly(from)).toBe(true)
    expect(await replicationStatus(from)).toBeNull()
    for (const g of await globalProxyState()) expect(g.upstream, g.region).toBe(`127.0.0.1:${region(to).ports.mariadb}`)
    const shop = fenceShop
    const sold = await postSale(shop.till(from), shop.sale(from))
    expect(sold.status, JSON.stringify(sold.body)).toBe(201)
    const onOldWriter = () => asRoot(from, async (db) => ((await db.query('SELECT id FROM pos.sales WHERE id = ?', [sold.body.saleId]))[0] as unknown[]).length)
    // Committed at the new writer through the old region's own write path; the fenced instance has nothing of it.
    expect(await onOldWriter()).toBe(0)

    const errant = await findErrant(from, promotion)
    await replayErrant(from, errant)
    await rewindToPromotion(from, promotion, errant.gtids)
    await rejoinAsReplica(from, to, durability)
    // Rejoined: it streams from the new writer (the sale arrives) and still refuses application writes.
    await eventually(async () => (await onOldWriter()) === 1, 15_000, 'the sale replicated to the rejoined writer')
    await expect(appWrite(from)).rejects.toMatchObject({ errno: 1290 })
    await expectWriter(to)
  }, 180_000)
})

describe('fleet failover refuses, exit 2, and changes nothing', () => {
  const initialPort = region(initial).ports.mariadb
  async function unchanged(): Promise<void> {
    expect(current().writer).toBe(initial)
    expect(await isReadOnly(initial)).toBe(false)
    for (const g of await globalProxyState()) expect(g.upstream, g.region).toBe(`127.0.0.1:${initialPort}`)
    expect(listProcesses().filter((p) => p.name.startsWith('payments-worker-')).map((p) => p.name)).toEqual([`payments-worker-${initial}`])
  }

  it('the current writer as target', async () => {
    expect(await fleetCli('failover', '--to', initial)).toEqual({
      code: 2,
      stdout: `switchover ${initial} → ${initial} (WAN scale ${fleet.wanScale})\n`,
      stderr: `fleet: ${initial} is already the writer: nothing changed\n`,
    })
    await unchanged()
  })

  it('a target whose replica is down', async () => {
    onTestFinished(() => asRoot('us-east-1', (db) => db.query('START SLAVE')).then(() => undefined))
    await asRoot('us-east-1', (db) => db.query('STOP SLAVE'))
    const r = await fleetCli('failover', '--to', 'us-east-1')
    expect(r.stderr).toBe("fleet: us-east-1's replica is down (IO thread No, SQL thread stopped): nothing changed\n")
    expect(r.code).toBe(2)
    await unchanged()
  })

  it('a target whose replica is not caught up (running, but applying 30 s late)', async () => {
    const delay = (seconds: number) =>
      asRoot('us-east-1', async (db) => {
        await db.query('STOP SLAVE')
        await db.query(`CHANGE MASTER TO MASTER_DELAY=${seconds}`)
        await db.query('START SLAVE')
      })
    onTestFinished(() => delay(0))
    await delay(30)
    await eventually(async () => (await replicationStatus('us-east-1'))?.ioThread === 'Yes', 10_000, 'us-east-1 IO thread running')
    // Heartbeats commit at the writer every quarter second: within the 5 s preflight bound the replica applies none of them.
    await sleep(500)
    const r = await fleetCli('failover', '--to', 'us-east-1')
    expect(r.stderr).toMatch(/^fleet: us-east-1's replica is not caught up with ap-southeast-1 \(replica us-east-1 did not reach GTID \S+ within 5000 ms .*\): nothing changed\n$/)
    expect(r.code).toBe(2)
    await unchanged()
  })

  it('drill failover: the writer as the region to promote, or a --lag replicas would time out', async () => {
    expect(await fleetCli('drill', 'failover', '--to', initial)).toMatchObject({ code: 2, stderr: `fleet: --to ${initial} is the writer that the drill loses: name a surviving region\n` })
    expect(await fleetCli('drill', 'failover', '--lag', '5s')).toMatchObject({ code: 2, stderr: expect.stringContaining('--lag 5000 ms is longer than 3s') })
    await unchanged()
  })

  it('a second failover while one runs (the lock is held)', async () => {
    onTestFinished(() => rmSync(failoverLockFile, { force: true }))
    writeFileSync(failoverLockFile, `${process.pid}\n`)
    const r = await fleetCli('failover', '--to', target)
    expect(r.stderr).toBe(`fleet: another failover is running (pid ${process.pid}, ${failoverLockFile}): nothing changed\n`)
    expect(r.code).toBe(2)
    await unchanged()
  })
})
