import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { cashSale, postSale, writerQuery } from '../support/fleet.js'

async function salesWithKey(key: string): Promise<number> {
  const rows = await writerQuery<{ n: number }>('SELECT COUNT(*) AS n FROM sales WHERE idempotency_key = ?', [key])
  return Number(rows[0]!.n)
}

describe('POST /v1/sales idempotency', () => {
  it('returns the same sale for a retry with the same key and body, writing it once', async () => {
    const key = randomUUID()
    const first = await postSale('eu-central-1', cashSale('eu-central-1', 3), key)
    const retry = await postSale('eu-central-1', cashSale('eu-central-1', 3), key)
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.saleId).toBe(first.body.saleId)
    expect(retry.body.totalMinor).toBe(first.body.totalMinor)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await salesWithKey(key)).toBe(1)
    const deltas = await writerQuery('SELECT COUNT(*) AS n FROM inventory_deltas WHERE sale_id = ?', [first.body.saleId])
    expect(Number(deltas[0].n)).toBe(1)
  })

  it('returns 422 when the key is reused with another body, and writes nothing', async () => {
    const key = randomUUID()
    const first = await postSale('ap-southeast-1', cashSale('ap-southeast-1', 1), key)
    const other = await postSale('ap-southeast-1', cashSale('ap-southeast-1', 2), key)
    expect(first.status).toBe(201)
    expect(other.status).toBe(422)
    expect(other.headers.get('content-type')).toContain('application/problem+json')
    expect(other.body.type).toMatch(/idempotency-key-reused$/)
    expect(other.body.saleId).toBe(first.body.saleId)
    expect(await salesWithKey(key)).toBe(1)
  })

  it('commits exactly one sale when the same request races itself', async () => {
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 8 }, () => postSale('us-east-1', cashSale('us-east-1', 1), key)))
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201))
    expect(new Set(answers.map((a) => a.body.saleId)).size).toBe(1)
    expect(await salesWithKey(key)).toBe(1)
  })
})
