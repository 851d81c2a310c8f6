import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { postSale, writerQuery } from '../support/fleet.js'
import { expectSalesExactly } from '../support/pos.js'
import { type Tenant, seedTenants } from '../support/tenants.js'

describe('POST /v1/sales idempotency', () => {
  // A tenant per test: each test's accepted set is all its tenant ever sold.
  let tenants: Tenant[]
  beforeAll(async () => {
    tenants = await seedTenants({}, {}, {})
  })

  it('returns the same sale for a retry with the same key and body, writing it once', async () => {
    const t = tenants[0]!
    const accepted = new Map<string, string>()
    const key = randomUUID()
    const first = await postSale(t.till('eu-central-1'), t.sale('eu-central-1', 3), key)
    const retry = await postSale(t.till('eu-central-1'), t.sale('eu-central-1', 3), key)
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.saleId).toBe(first.body.saleId)
    expect(retry.body.totalMinor).toBe(first.body.totalMinor)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    accepted.set(key, first.body.saleId)
    await expectSalesExactly(t, accepted)
    const deltas = await writerQuery('SELECT COUNT(*) AS n FROM inventory_deltas WHERE sale_id = ?', [first.body.saleId])
    expect(Number(deltas[0].n)).toBe(1)
  })

  it('returns 422 when the key is reused with another body, and writes nothing', async () => {
    const t = tenants[1]!
    const accepted = new Map<string, string>()
    const key = randomUUID()
    const first = await postSale(t.till('ap-southeast-1'), t.sale('ap-southeast-1', 1), key)
    const other = await postSale(t.till('ap-southeast-1'), t.sale('ap-southeast-1', 2), key)
    expect(first.status).toBe(201)
    expect(other.status).toBe(422)
    expect(other.headers.get('content-type')).toContain('application/problem+json')
    expect(other.body.type).toMatch(/idempotency-key-reused$/)
    expect(other.body.saleId).toBe(first.body.saleId)
    accepted.set(key, first.body.saleId)
    await expectSalesExactly(t, accepted)
  })

  it('commits exactly one sale when the same request races itself', async () => {
    const t = tenants[2]!
    const accepted = new Map<string, string>()
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 8 }, () => postSale(t.till('us-east-1'), t.sale('us-east-1', 1), key)))
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201))
    expect(new Set(answers.map((a) => a.body.saleId)).size).toBe(1)
    accepted.set(key, answers[0]!.body.saleId)
    await expectSalesExactly(t, accepted)
  })
})
