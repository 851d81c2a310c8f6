import { afterAll, describe, expect, it } from 'vitest'
import { region as regionSpec } from '@pos-fleet/topology'
import { startRegionKafka } from '../../packages/fleet/src/infra/kafka.js'
import { isPortFree } from '../../packages/fleet/src/infra/processes.js'
import { setRegionLinks } from '../../packages/fleet/src/infra/toxiproxy.js'
import { fleetServices, signalService, startService } from '../../packages/fleet/src/services.js'
import { cardSale, cashSale, eventually, fleet, postSale, writerQuery } from '../support/fleet.js'

const region = 'eu-central-1' as const

async function queueSales(n: number): Promise<Array<{ saleId: string; key: string }>> {
  const out = []
  for (let i = 0; i < n; i++) {
    const key = `fault-${crypto.randomUUID()}`
    const r = await postSale(region, i % 2 ? cashSale(region) : cardSale(region, 'tok_visa'), key)
    expect(r.status).toBe(202)
    out.push({ saleId: r.body.saleId as string, key })
  }
  return out
}

async function committedOnce(sales: Array<{ key: string }>): Promise<void> {
  const keys = sales.map((s) => s.key)
  const rows = await eventually(async () => {
    const r = await writerQuery<{ k: string; n: number; pending: number }>(
      `SELECT s.idempotency_key AS k, COUNT(*) AS n, SUM(p.status = 'pending') AS pending
         FROM sales s JOIN payments p ON p.sale_id = s.id WHERE s.idempotency_key IN (?) GROUP BY s.idempotency_key`,
      [keys],
    )
    return r.length === keys.length && r.every((x) => Number(x.pending) === 0) ? r : undefined
  }, 60_000, 'every queued sale committed and settled')
  expect(rows.every((r) => Number(r.n) === 1)).toBe(true)
}

describe('faults while sales are queued', () => {
  afterAll(async () => {
    await setRegionLinks(region, true)
  })

  it('loses nothing when the region’s Kafka broker is killed and restarted', async () => {
    await setRegionLinks(region, false)
    const sales = await queueSales(8)
    expect(signalService(`kafka-${region}`, 'SIGKILL')).toBe(true)
    await eventually(() => isPortFree(regionSpec(region).ports.kafka), 15_000, 'broker gone')
    await startRegionKafka(region)
    await setRegionLinks(region, true)
    await committedOnce(sales)
  })

  it('duplicates nothing when the reconciler is killed in the middle of a replay', async () => {
    await setRegionLinks(region, false)
    const sales = await queueSales(16)
    await setRegionLinks(region, true)
    // Replays go one WAN round trip at a time per terminal: kill once some, not all, landed.
    await eventually(async () => {
      const r = await writerQuery<{ n: number }>('SELECT COUNT(*) AS n FROM sales WHERE idempotency_key IN (?)', [sales.map((s) => s.key)])
      return Number(r[0]!.n) > 0
    }, 20_000, 'replay under way')
    expect(signalService(`storefront-${region}`, 'SIGKILL')).toBe(true)
    await eventually(() => isPortFree(regionSpec(region).ports.storefront), 10_000, 'storefront gone')
    const launch = fleetServices({ writer: fleet.writer, logLevel: 'info' }).find(
      (s) => s.name === `storefront-${region}`,
    )!
    await startService(launch)
    await committedOnce(sales)
  })
})
