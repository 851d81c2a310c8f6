import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRawHttpClient } from './raw-http-client.js'

/** Against node:http on an ephemeral port: framing by Content-Length, headers sent, failures surfaced. */
describe('createRawHttpClient', () => {
  const seen: Array<string | undefined> = []
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization)
    if (req.url === '/chunked') {
      res.write('no length')
      return res.end()
    }
    const body = req.url === '/big' ? 'x'.repeat(200_000) : JSON.stringify({ ok: true })
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  let base = ''
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('answers many requests over few keep-alive connections, with the headers it was given', async () => {
    const client = createRawHttpClient(base, '/items', { authorization: 'Bearer k' }, 2)
    try {
      const statuses = await Promise.all(Array.from({ length: 50 }, () => client.get()))
      expect(statuses).toEqual(Array(50).fill(200))
      expect(seen.slice(-50)).toEqual(Array(50).fill('Bearer k'))
    } finally {
      client.close()
    }
  })

  it('frames bodies split over many reads, and passes the status through', async () => {
    const big = createRawHttpClient(base, '/big', {}, 1)
    const missing = createRawHttpClient(base, '/missing', {}, 1)
    try {
      expect(await Promise.all([big.get(), big.get()])).toEqual([200, 200])
      expect(await missing.get()).toBe(404)
    } finally {
      big.close()
      missing.close()
    }
  })

  it('fails an answer it cannot frame instead of guessing', async () => {
    const client = createRawHttpClient(base, '/chunked', {}, 1)
    try {
      await expect(client.get()).rejects.toThrow(/cannot frame/)
    } finally {
      client.close()
    }
  })
})
