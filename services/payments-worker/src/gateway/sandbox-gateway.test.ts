import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PermanentGatewayError, TransientGatewayError } from './payment-gateway.js'
import { createSandboxGateway } from './sandbox-gateway.js'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

const servers: http.Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r).closeAllConnections())))
})

/** A real HTTP server on 127.0.0.1 that answers every request with `answer`, recording what it was sent. */
async function gatewayAnswering(answer: (seen: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() }
      seen.push(s)
      answer(s, res)
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
const capture = { paymentId: 'pay-1', token: 'tok_visa', amountMinor: 350, currency: 'EUR' }

describe('sandbox gateway adapter', () => {
  it('POSTs the capture as JSON with the payment id as idempotency key, and maps an approval', async () => {
    const gw = await gatewayAnswering((_s, res) => json(res, 201, { chargeId: 'ch_1', status: 'succeeded' }))
    expect(await createSandboxGateway(gw.url, 2_000).capture(capture)).toEqual({ outcome: 'captured', chargeId: 'ch_1' })
    expect(gw.seen).toHaveLength(1)
    expect(gw.seen[0]).toMatchObject({ method: 'POST', url: '/v1/charges', body: JSON.stringify(capture) })
    expect(gw.seen[0]!.headers).toMatchObject({ 'idempotency-key': 'pay-1', 'content-type': 'application/json' })
  })

  it('maps a decline with its code', async () => {
    const gw = await gatewayAnswering((_s, res) => json(res, 201, { chargeId: 'ch_2', status: 'declined', declineCode: 'card_declined' }))
    expect(await createSandboxGateway(gw.url, 2_000).capture(capture)).toEqual({ outcome: 'declined', chargeId: 'ch_2', declineCode: 'card_declined' })
  })

  it('reuses one kept-alive connection across captures', async () => {
    const gw = await gatewayAnswering((_s, res) => json(res, 201, { chargeId: 'ch', status: 'succeeded' }))
    const sockets = new Set<unknown>()
    servers[0]!.on('connection', (s) => sockets.add(s))
    const g = createSandboxGateway(gw.url, 2_000)
    for (let i = 0; i < 3; i++) await g.capture({ ...capture, paymentId: `pay-${i}` })
    expect(gw.seen.map((s) => s.headers['idempotency-key'])).toEqual(['pay-0', 'pay-1', 'pay-2'])
    expect(sockets.size).toBe(1)
  })

  it('treats 5xx and 429 as transient, other 4xx as permanent', async () => {
    for (const [status, kind] of [[503, TransientGatewayError], [429, TransientGatewayError], [400, PermanentGatewayError]] as const) {
      const gw = await gatewayAnswering((_s, res) => json(res, status, { title: 'no' }))
      await expect(createSandboxGateway(gw.url, 2_000).capture(capture)).rejects.toBeInstanceOf(kind)
    }
  })

  it('treats a gateway that never answers as transient, once the timeout passes', async () => {
    const gw = await gatewayAnswering(() => {})
    const err = await createSandboxGateway(gw.url, 200).capture(capture).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransientGatewayError)
    expect(gw.seen).toHaveLength(1)
  })

  it('treats a refused connection and a body that is not JSON as transient', async () => {
    const gw = await gatewayAnswering((_s, res) => res.writeHead(200).end('<html>'))
    await expect(createSandboxGateway(gw.url, 2_000).capture(capture)).rejects.toBeInstanceOf(TransientGatewayError)
    const closed = await gatewayAnswering(() => {})
    await new Promise((r) => servers.pop()!.close(r))
    await expect(createSandboxGateway(closed.url, 2_000).capture(capture)).rejects.toBeInstanceOf(TransientGatewayError)
  })
})
