import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKeyAuthenticator } from '@pos-fleet/platform/auth'
import { createDatabase, type Database } from '@pos-fleet/platform/db/client'
import { createWritePathBreaker } from '@pos-fleet/platform/db/write-path'
import { buildApp as buildStorefront } from '@pos-fleet/storefront/app'
import { buildApp as buildGateway } from '@pos-fleet/payment-gateway-sandbox/app'
import { Ledger } from '@pos-fleet/payment-gateway-sandbox/ledger'
import { cashSale, fleet, terminal } from '../support/fleet.js'

const region = 'eu-central-1' as const

/** The apps built in-process (no port, no signals) on the fleet's real databases, driven with inject. */
describe('storefront buildApp', () => {
  const db: Database = createDatabase({
    readUrl: fleet.regions[region].db.read,
    writeUrl: fleet.regions[region].db.write,
    writeTimeoutMs: 2_000,
    connectTimeoutMs: 2_000,
    poolSize: 2,
  })
  let app: ReturnType<typeof buildStorefront>

  beforeAll(async () => {
    app = buildStorefront(deps())
    await app.ready()
  })

  function deps(): Parameters<typeof buildStorefront>[0] {
    return {
      config: {
        POS_REGION: region,
        POS_ROLE: 'reader',
        HOST: '127.0.0.1',
        PORT: 1,
        LOG_LEVEL: 'silent',
        SHUTDOWN_GRACE_MS: 1_000,
        DB_READ_URL: fleet.regions[region].db.read,
        DB_WRITE_URL: fleet.regions[region].db.write,
        DB_WRITE_TIMEOUT_MS: 2_000,
        DB_CONNECT_TIMEOUT_MS: 2_000,
        SESSION_WAIT_MS: 1_000,
        DB_POOL_SIZE: 2,
        KAFKA_BROKERS: fleet.regions[region].kafka,
      },
      db,
      authenticate: createApiKeyAuthenticator(db.read),
      writePath: createWritePathBreaker(),
      replicationLag: () => ({ replicationLagMs: 12, sampledAt: Date.now(), error: null }),
    }
  }

  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('reports readiness with region, role and lag', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ region, role: 'reader', ready: true, replicationLagMs: 12, checks: { readReplica: { ok: true } } })
  })

  it('commits a sale and reads it back with its session token', async () => {
    const headers = { authorization: `Bearer ${terminal(region).apiKey}`, 'idempotency-key': randomUUID() }
    const made = await app.inject({ method: 'POST', url: '/v1/sales', headers, payload: cashSale(region, 2) })
    expect(made.statusCode).toBe(201)
    const sale = made.json()
    const read = await app.inject({
      method: 'GET',
      url: `/v1/sales/${sale.saleId}`,
      headers: { authorization: headers.authorization, 'x-session-token': sale.sessionToken },
    })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toMatchObject({ saleId: sale.saleId, totalMinor: 700 })
  })

  it('answers 503 write-path-unavailable with Retry-After when the breaker is open and there is no local queue', async () => {
    const breaker = createWritePathBreaker()
    const offline = buildStorefront({ ...deps(), writePath: breaker })
    breaker.reportFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    const res = await offline.inject({
      method: 'POST',
      url: '/v1/sales',
      headers: { authorization: `Bearer ${terminal(region).apiKey}`, 'idempotency-key': randomUUID() },
      payload: cashSale(region),
    })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('5')
    expect(res.json().type).toMatch(/write-path-unavailable$/)
    await offline.close()
  })

  it('answers an unknown route with a problem+json 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
  })

  it('serves Prometheus metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('# HELP')
  })
})

describe('payment-gateway-sandbox buildApp', () => {
  it('charges once per payment id and replays the stored answer', async () => {
    const ledger = new Ledger(join(mkdtempSync(join(tmpdir(), 'gw-')), 'ledger.jsonl'))
    const app = buildGateway({ ledger, latencyMs: 0, failureRate: 0, logger: false })
    const paymentId = randomUUID()
    const charge = () =>
      app.inject({
        method: 'POST',
        url: '/v1/charges',
        headers: { 'idempotency-key': paymentId },
        payload: { paymentId, token: 'tok_visa', amountMinor: 100, currency: 'USD' },
      })
    const first = await charge()
    const second = await charge()
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(200)
    expect(second.json().chargeId).toBe(first.json().chargeId)
    expect(ledger.all()).toHaveLength(1)
    await app.close()
    ledger.close()
  })
})
