import { type AddressInfo, connect } from 'node:net'
import { Type } from '@sinclair/typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpApp } from './http.js'
import { Problem } from './problem.js'
import { writePathDown } from './test-doubles.js'

/** The one error policy, on a bare app with one route per failure kind (a plugin: after @fastify/swagger). */
const openApi = { title: 'test', description: 'test app', version: '1.0.0' }
const app = createHttpApp({ logger: false, bodyLimit: 1024, openApi })
void app.register(async (app) => {
app.post('/echo', { schema: { body: Type.Object({ n: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } }, async (r) => r.body)
app.get('/problem', async () => {
  throw new Problem('unknown-sku', 'not in the catalog: X', { skus: ['X'] })
})
app.get('/bug', async () => {
  throw new Error('secret internals at /srv/app.js:12')
})
app.get('/write-path', async () => {
  throw writePathDown()
})
})

beforeAll(() => app.ready())
afterAll(() => app.close())

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, type: string) {
  expect(res.statusCode).toBe(status)
  expect(res.headers['content-type']).toContain('application/problem+json')
  expect(res.json()).toMatchObject({ type: `https://pos-fleet.io/problems/${type}`, status, title: expect.any(String) })
}

describe('createHttpApp error policy', () => {
  it('renders a thrown Problem with its status, detail, extra members and instance', async () => {
    const res = await app.inject({ method: 'GET', url: '/problem' })
    expectProblem(res, 422, 'unknown-sku')
    expect(res.json()).toMatchObject({ detail: 'not in the catalog: X', skus: ['X'], instance: '/problem' })
  })

  it('answers a schema violation with 400 validation-failed naming each field at fault', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { n: 0, extra: true } })
    expectProblem(res, 400, 'validation-failed')
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/n']))
  })

  it('answers a body that is not JSON with 400 malformed-json', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"n": ' })
    expectProblem(res, 400, 'malformed-json')
  })

  it('answers a text/plain body with 415 unsupported-media-type', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/plain' }, payload: 'n=1' })
    expectProblem(res, 415, 'unsupported-media-type')
  })

  it('answers a body over the limit with 413 payload-too-large', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { n: 1, pad: 'x'.repeat(2048) } })
    expectProblem(res, 413, 'payload-too-large')
  })

  it('answers an unexpected error with 500 internal and no detail or stack', async () => {
    const res = await app.inject({ method: 'GET', url: '/bug' })
    expectProblem(res, 500, 'internal')
    expect(res.body).not.toContain('secret')
    expect(res.body).not.toMatch(/\.js:\d+/)
  })

  it('answers an unreachable write path with 503 write-path-unavailable and Retry-After', async () => {
    const res = await app.inject({ method: 'GET', url: '/write-path' })
    expectProblem(res, 503, 'write-path-unavailable')
    expect(res.headers['retry-after']).toBe('5')
    expect(res.json().detail).toContain('ECONNREFUSED')
  })

  it('answers an unknown route with 404 not-found', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/nope' }), 404, 'not-found')
  })

  it('answers a request that arrives while it shuts down with 503 problem+json, Retry-After and Connection: close', async () => {
    const closing = createHttpApp({ logger: false, openApi })
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    closing.get('/slow', async () => held.then(() => ({ ok: true })))
    closing.get('/fast', async () => ({ ok: true }))
    await closing.listen({ host: '127.0.0.1', port: 0 })
    const { port } = closing.server.address() as AddressInfo
    // A keep-alive connection busy with a slow request when close() begins, then sending another.
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk) => (received += chunk))
    const ended = new Promise((resolve) => socket.on('close', resolve))
    const tick = () => new Promise((resolve) => setTimeout(resolve, 50))
    socket.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\n')
    await tick()
    const closed = closing.close()
    await tick()
    socket.write('GET /fast HTTP/1.1\r\nhost: x\r\n\r\n')
    await tick()
    release()
    await closed
    await ended
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/)
    expect(first).toMatch(/^HTTP\/1\.1 200/)
    expect(second).toMatch(/^HTTP\/1\.1 503/)
    expect(second).toMatch(/content-type: application\/problem\+json/i)
    expect(second).toMatch(/retry-after: 1/i)
    expect(second).toContain('temporarily-unavailable')
  })
})

describe('GET /openapi.json', () => {
  it('serves OpenAPI 3.1 with the statuses the platform answers declared on each route', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths['/echo'].post.responses)).toEqual(expect.arrayContaining(['400', '413', '415', '503']))
    expect(doc.paths['/echo'].post.responses['503'].headers['retry-after']).toBeDefined()
    expect(Object.keys(doc.paths['/bug'].get.responses)).not.toContain('400')
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status'])
  })
})
