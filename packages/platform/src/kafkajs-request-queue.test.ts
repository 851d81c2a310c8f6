import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'

/*
 * patches/kafkajs@2.2.4.patch: kafkajs 2.2.4 scheduled a pending-request check with nothing
 * pending, at a negative delay, so every broker connection of every service ran a 1 ms timer
 * loop for ever (tulios/kafkajs#1556, #1704). These pin the patched behaviour: no check while
 * nothing is pending, and a request held back still goes out.
 */
const require = createRequire(import.meta.url)
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js')
const logger = { debug() {}, info() {}, warn() {}, error() {} }

interface Sent {
  correlationId: number
  resolved: boolean
}

function queue() {
  return new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:9092', logger })
}

function push(q: ReturnType<typeof queue>, correlationId: number, sent: Sent[]) {
  const s: Sent = { correlationId, resolved: false }
  q.push({
    entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => (s.resolved = true), reject: () => {} },
    expectResponse: true,
    sendRequest: () => sent.push(s),
  })
  return s
}

const queues: Array<ReturnType<typeof queue>> = []
afterEach(() => queues.splice(0).forEach((q) => q.destroy()))

describe('kafkajs request queue (patched)', () => {
  it('schedules no check while nothing is pending, after a response either', () => {
    const q = queue()
    queues.push(q)
    q.scheduleCheckPendingRequests()
    expect(q.throttleCheckTimeoutId).toBeNull()
    const sent: Sent[] = []
    push(q, 1, sent)
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 })
    expect(sent).toHaveLength(1)
    expect(q.throttleCheckTimeoutId).toBeNull()
  })

  it('sends a request held back by the in-flight limit once the one in flight is answered', () => {
    const q = queue()
    queues.push(q)
    const sent: Sent[] = []
    const first = push(q, 1, sent)
    push(q, 2, sent)
    expect(sent.map((s) => s.correlationId)).toEqual([1])
    expect(q.throttleCheckTimeoutId).not.toBeNull()
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 })
    expect(first.resolved).toBe(true)
    expect(sent.map((s) => s.correlationId)).toEqual([1, 2])
  })

  it('sends a request held back by broker throttling when the throttle ends', async () => {
    const q = queue()
    queues.push(q)
    q.maybeThrottle(30)
    const sent: Sent[] = []
    push(q, 1, sent)
    expect(sent).toHaveLength(0)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(sent.map((s) => s.correlationId)).toEqual([1])
  })
})
