import { describe, expect, it } from 'vitest'
import { loopbackAddressing } from './addressing.js'
import { BROKER_LIST_PATTERN } from './kafka.js'
import { PAYMENT_GATEWAY_PORT, REGION_IDS, regions } from './regions.js'
import { serviceLaunches } from './services.js'

const launches = (writer: (typeof REGION_IDS)[number]) => serviceLaunches({ writer, addressing: loopbackAddressing, logLevel: 'info', gatewayLedgerPath: '/l' })

describe('service launches', () => {
  it.each(REGION_IDS)('runs storefront and inventory-delta everywhere and payments-worker only in the writer (%s)', (writer) => {
    const names = launches(writer).map((l) => l.name)
    for (const r of regions) for (const s of ['storefront', 'inventory-delta']) expect(names).toContain(`${s}-${r.id}`)
    expect(names.filter((n) => n.startsWith('payments-worker'))).toEqual([`payments-worker-${writer}`])
    expect(new Set(names).size).toBe(names.length)
    expect(new Set(launches(writer).map((l) => l.port)).size).toBe(names.length)
  })

  it('gives every regional service its region, database URLs and a KAFKA_BROKERS that the config accepts, never its role', () => {
    for (const l of launches('us-east-1').filter((x) => x.region)) {
      expect(l.env.POS_REGION).toBe(l.region)
      // The role is the running fleet's state: a service reads it from its own instance.
      expect(l.env).not.toHaveProperty('POS_ROLE')
      expect(l.env.PORT).toBe(String(l.port))
      expect(l.env.DB_READ_URL).toMatch(/^mysql:\/\//)
      expect(l.env.KAFKA_BROKERS).toMatch(new RegExp(BROKER_LIST_PATTERN))
      expect(l.readinessPath).toBe('/readyz')
    }
  })

  it('points the worker at the sandbox gateway, which answers on /healthz', () => {
    const all = launches('ap-southeast-1')
    expect(all.find((l) => l.service === 'payments-worker')?.env.GATEWAY_URL).toBe(`http://127.0.0.1:${PAYMENT_GATEWAY_PORT}`)
    expect(all.find((l) => l.service === 'payment-gateway-sandbox')).toMatchObject({ port: PAYMENT_GATEWAY_PORT, readinessPath: '/healthz', env: { GATEWAY_LEDGER_PATH: '/l' } })
  })
})
