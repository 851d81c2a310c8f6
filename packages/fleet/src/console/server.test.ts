import { describe, expect, it } from 'vitest'
import type { RegionId } from '@pos-fleet/topology'
import { type ConsoleActions, buildConsoleApp } from './server.js'
import type { FleetSnapshot } from './snapshot.js'

const snapshot: FleetSnapshot = {
  at: new Date(0).toISOString(),
  writer: 'ap-southeast-1',
  regions: [],
  links: [],
  payments: { pending: 0, captured: 0, declined: 0, oldestPendingS: 0 },
  unreachable: [],
}

function consoleWith(busy?: string) {
  const calls: Array<[RegionId, boolean]> = []
  const actions: ConsoleActions = {
    setRegionLinks: async (region, enabled) => {
      calls.push([region, enabled])
    },
    busy: () => busy,
    startLoadTest: () => ({ started: true, detail: 'started' }),
  }
  return { app: buildConsoleApp({ collect: async () => snapshot, actions }), calls }
}

describe('fleet console HTTP', () => {
  it('cuts and heals a region’s links', async () => {
    const { app, calls } = consoleWith()
    expect((await app.inject({ method: 'POST', url: '/api/regions/eu-central-1/cut' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/api/regions/eu-central-1/heal' })).statusCode).toBe(200)
    expect(calls).toEqual([
      ['eu-central-1', false],
      ['eu-central-1', true],
    ])
  })

  it('answers 400 problem+json for an unknown region, changing nothing', async () => {
    const { app, calls } = consoleWith()
    const res = await app.inject({ method: 'POST', url: '/api/regions/mars-north-1/cut' })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json()).toMatchObject({ status: 400, detail: expect.stringContaining('mars-north-1') })
    expect(calls).toEqual([])
  })

  it('answers 409 to a cut or a load test while a failover runs', async () => {
    const { app, calls } = consoleWith('a failover is running (pid 1)')
    const cut = await app.inject({ method: 'POST', url: '/api/regions/eu-central-1/cut' })
    expect(cut.statusCode).toBe(409)
    expect(cut.json().detail).toContain('failover')
    expect((await app.inject({ method: 'POST', url: '/api/loadtest' })).statusCode).toBe(409)
    expect(calls).toEqual([])
  })

  it('serves a page that loads nothing but its own script and style, under a self-only CSP', async () => {
    const { app } = consoleWith()
    const page = await app.inject({ method: 'GET', url: '/' })
    expect(page.headers['content-security-policy']).toContain("default-src 'none'")
    const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(refs).toEqual(['/console.css', '/console.js'])
    expect((await app.inject({ method: 'GET', url: '/console.js' })).statusCode).toBe(200)
  })
})

describe('fleet console events', () => {
  it('streams snapshots to an open page and closes with it still open', async () => {
    const { app } = consoleWith()
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const res = await fetch(`${address}/events`)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(JSON.parse(first.replace(/^data: /, '').trim())).toMatchObject({ writer: 'ap-southeast-1' })
    await app.close()
  })
})
