/**
 * The compose fleet on a real Docker engine, through the ports it publishes on 127.0.0.1: the
 * acceptance checks of the native fleet, the partition drill (toxiproxy in compose cuts
 * eu-central-1), and a `down` that leaves nothing. One file, in order: the last steps remove the
 * fleet and then try to start one over a native process.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { globalProxies, oneWayDelayMs } from '@pos-fleet/topology'
import { describe, expect, it } from 'vitest'
import { composeDown, composePorts } from '../../packages/fleet/src/compose/compose-fleet.js'
import { engineAnswers } from '../../packages/fleet/src/compose/engine.js'
import { leftovers } from '../../packages/fleet/src/compose/project.js'
import { runCli } from '../../packages/fleet/src/commands/program.js'
import { runPartitionDrill } from '../../packages/fleet/src/drill/partition-drill.js'
import { isPortFree, startProcess, stopProcess } from '../../packages/fleet/src/infra/processes.js'
import { eventually, fleet, postSale, withDb } from '../support/fleet.js'
import { gatewayCharges, getSale, waitSettled } from '../support/pos.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}

describe('the compose fleet', () => {
  let t: Tenant

  it('writes the native endpoints.json shape, marked as the compose runtime', () => {
    expect(fleet).toMatchObject({ writer: 'ap-southeast-1', runtime: 'compose', toxiproxy: 'http://127.0.0.1:8474' })
    expect(fleet.terminals.length).toBeGreaterThanOrEqual(6)
    expect(fleet.regions['eu-central-1'].storefront).toBe('http://127.0.0.1:18110')
    expect(fleet.regions['ap-southeast-1'].paymentsWorker).toBe('http://127.0.0.1:18030')
  })

  it('commits a sale made in eu-central-1, shows it in ap-southeast-1 and us-east-1, and captures its payment exactly once', async () => {
    t = await seedTenant()
    const made = await postSale(t.till('eu-central-1'), t.sale('eu-central-1', 2, { card: 'tok_visa' }))
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ status: 'committed', region: 'eu-central-1' })
    for (const region of ['ap-southeast-1', 'us-east-1'] as const) {
      const seen = await eventually(async () => {
        const r = await getSale(t.till(region), made.body.saleId)
        return r.status === 200 ? r.body : undefined
      }, 10_000, `the sale in ${region}`)
      expect(seen).toMatchObject({ saleId: made.body.saleId, readFrom: 'replica' })
    }
    const settled = await waitSettled(t.till('eu-central-1'), made.body.saleId)
    expect(settled.payment.status).toBe('captured')
    const { charges, attempts } = await gatewayCharges(settled.payment.paymentId)
    expect(charges).toHaveLength(1)
    expect(attempts).toBe(1)
  })

  it('refuses application writes on the replicas (read_only, error 1290)', async () => {
    for (const region of ['eu-central-1', 'us-east-1'] as const) {
      await withDb(region, async (db) => {
        await expect(db.query("INSERT INTO merchants (id, name, currency, offline_floor_limit_minor) VALUES ('mer_x', 'x', 'USD', 0)")).rejects.toMatchObject({ errno: 1290 })
      })
    }
  })

  it('takes at least the emulated round trip for a sale from eu-central-1 (its write crosses the WAN)', async () => {
    const floorMs = 2 * oneWayDelayMs('eu-central-1', fleet.writer, fleet.wanScale)
    expect(floorMs).toBeGreaterThan(0)
    const made = await postSale(t.till('eu-central-1'), t.sale('eu-central-1', 1, { cash: true }))
    expect(made.status).toBe(201)
    expect(made.ms).toBeGreaterThanOrEqual(floorMs)
  })

  it('survives the partition drill: toxiproxy blackholes eu-central-1 for 8 s, nothing lost or doubled', async () => {
    const report = await runPartitionDrill(fleet, { region: 'eu-central-1', mode: 'blackhole', partitionMs: 8_000, rate: 2, convergeTimeoutMs: 90_000, log: () => undefined })
    process.stderr.write(`[compose drill] accepted ${report.accepted}, offline ${report.perRegion['eu-central-1'].salesOffline}, converged in ${report.convergeMs} ms\n`)
    expect(report.perRegion['eu-central-1'].salesOffline).toBeGreaterThan(0)
    expect(report.lost).toBe(0)
    expect(report.duplicated).toBe(0)
    expect(report.paymentsCapturedOnce).toBe(true)
    expect(report.stockConverged).toBe(true)
    expect(report.ok).toBe(true)
  }, 180_000)

  it('answers `fleet status` and `fleet compose status` with every region ready and every container fine', async () => {
    const status = await cli('status', '--json')
    expect(status.code, status.stderr).toBe(0)
    const parsed = JSON.parse(status.stdout) as { regions: Array<{ region: string; writePath: string }>; durability: { mode: string; observed: string } }
    expect(parsed.regions.map((r) => r.writePath)).toEqual(['up', 'up', 'up'])
    expect(parsed.durability).toMatchObject({ mode: 'async', observed: 'async' })
    const containers = await cli('compose', 'status')
    expect(containers.code, containers.stdout).toBe(0)
    expect(containers.stdout).toMatch(/^storefront-eu-central-1\s+running \(healthy\)$/m)
  })

  it('refuses a native `fleet up` over its ports with exit 2, naming the port and the compose fleet', async () => {
    const r = await cli('up', '--detach')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/port 8474 already in use, held by the compose fleet \(container pos-fleet-toxiproxy-1; stop it with `pnpm fleet compose down`\)/)
  })

  it('`down` leaves no container, network or volume of the project, and no published port bound', async () => {
    await composeDown({ log: () => undefined })
    if (await engineAnswers()) expect(await leftovers()).toEqual({ containers: [], networks: [], volumes: [] })
    for (const port of composePorts()) expect(await isPortFree(port), `port ${port}`).toBe(true)
  }, 120_000)

  it('refuses `fleet compose up` while a native fleet process holds a port, with exit 2 naming both, and starts nothing', async () => {
    const port = globalProxies()[0]!.listenPort
    const holder = await startProcess({ name: 'toxiproxy', command: process.execPath, args: ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`], ports: [port] })
    try {
      await eventually(async () => !(await isPortFree(port)), 5_000, `port ${port} held`)
      // Recorded like the native runner records toxiproxy, with the port it holds.
      const { listProcesses } = await import('../../packages/fleet/src/infra/processes.js')
      expect(listProcesses().some((p) => p.pid === holder.pid)).toBe(true)
      const r = await cli('compose', 'up', '--detach')
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`port ${port} is held by the native fleet (toxiproxy, pid ${holder.pid}`)
      expect(r.stderr).toContain('nothing was started')
      await sleep(100)
      if (await engineAnswers()) expect((await leftovers()).containers).toEqual([])
    } finally {
      await stopProcess('toxiproxy')
    }
  })
})
