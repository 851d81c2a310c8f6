import { describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { createWritePathBreaker } from './db/write-path.js'
import { type Answer, type QueueableWrite, applyPending, commitOrQueue } from './store-and-forward.js'
import { duplicateKey, memoryQueue, writePathDown } from './test-doubles.js'

interface Item {
  id: string
}

const log = pino({ level: 'silent' })

/** A write whose steps record that they ran; each can be replaced. */
function write(over: Partial<QueueableWrite<Item, string>> = {}) {
  const ran: string[] = []
  const queue = memoryQueue<Item>((i) => i.id)
  const step = <R>(name: string, result: R) => async () => {
    ran.push(name)
    return result
  }
  const w: QueueableWrite<Item, string> = {
    breaker: createWritePathBreaker(),
    log,
    budgetMs: 2_000,
    commit: step('commit', { status: 201, body: 'committed' }),
    replayCommitted: step('replayCommitted', { status: 200, body: 'replayed' }),
    queue,
    replayEarlier: step('replayEarlier', undefined),
    pending: () => ({ id: 'item-1' }),
    provisional: (item) => ({ status: 202, body: `queued ${item.id}` }),
    ...over,
  }
  return { w, ran, queue }
}

const failing = (err: Error) => async (): Promise<Answer<string>> => {
  throw err
}

describe('commitOrQueue', () => {
  describe('write path up', () => {
    it('commits through the write path and queues nothing', async () => {
      const { w, queue } = write()
      expect(await commitOrQueue(w)).toEqual({ status: 201, body: 'committed' })
      expect(queue.items.size).toBe(0)
    })

    it('answers a duplicate key with the idempotent replay, leaving the breaker closed', async () => {
      const { w } = write({ commit: failing(duplicateKey()) })
      expect(await commitOrQueue(w)).toEqual({ status: 200, body: 'replayed' })
      expect(w.breaker.isOpen()).toBe(false)
    })

    it('answers 503 once a replay outlives what the commit left of the budget, instead of a fresh deadline per call', async () => {
      const { w } = write({
        budgetMs: 50,
        commit: failing(duplicateKey()),
        replayCommitted: () => new Promise<never>(() => {}),
      })
      await expect(commitOrQueue(w)).rejects.toMatchObject({ code: 'write-path-unavailable', status: 503 })
    })

    it('lets an error that is not "write path down" through, without queueing', async () => {
      const { w, queue } = write({ commit: failing(new Error('syntax error')) })
      await expect(commitOrQueue(w)).rejects.toThrow('syntax error')
      expect(w.breaker.isOpen()).toBe(false)
      expect(queue.items.size).toBe(0)
    })
  })

  describe('write path down', () => {
    it('opens the breaker on an unavailable write path and answers 202 from the local queue', async () => {
      const { w, queue } = write({ commit: failing(writePathDown()) })
      expect(await commitOrQueue(w)).toEqual({ status: 202, body: 'queued item-1' })
      expect(w.breaker.isOpen()).toBe(true)
      expect([...queue.items.keys()]).toEqual(['item-1'])
    })

    it('skips the write path at once while the breaker is open', async () => {
      const { w, ran } = write()
      w.breaker.reportFailure(writePathDown())
      expect((await commitOrQueue(w)).status).toBe(202)
      expect(ran).not.toContain('commit')
    })

    it('answers a retry with its earlier answer and queues nothing new', async () => {
      const { w, queue } = write({ replayEarlier: async () => ({ status: 202, body: 'queued earlier' }) })
      w.breaker.reportFailure(writePathDown())
      expect(await commitOrQueue(w)).toEqual({ status: 202, body: 'queued earlier' })
      expect(queue.items.size).toBe(0)
    })

    it('queues nothing when the write may not go offline (floor limit)', async () => {
      const refusal = Object.assign(new Error('over the floor limit'), { code: 'offline-floor-limit-exceeded' })
      const { w, queue } = write({ admitOffline: async () => { throw refusal } })
      w.breaker.reportFailure(writePathDown())
      await expect(commitOrQueue(w)).rejects.toBe(refusal)
      expect(queue.items.size).toBe(0)
    })

    it('answers 503 write-path-unavailable with Retry-After when there is no local queue', async () => {
      const { w } = write({ queue: undefined })
      w.breaker.reportFailure(writePathDown())
      await expect(commitOrQueue(w)).rejects.toMatchObject({ code: 'write-path-unavailable', status: 503, headers: { 'retry-after': '5' } })
    })

    it('answers 503 temporarily-unavailable with Retry-After when the local queue refuses too', async () => {
      const { w, queue } = write()
      queue.failWith(new Error('broker down'))
      w.breaker.reportFailure(writePathDown())
      await expect(commitOrQueue(w)).rejects.toMatchObject({ code: 'temporarily-unavailable', status: 503, headers: { 'retry-after': '5' } })
    })
  })
})

describe('applyPending', () => {
  it('is applied when the commit succeeds', async () => {
    expect(await applyPending(async () => {}, async () => true)).toBe('applied')
  })

  it('is already-applied when the unique key holds this same item', async () => {
    expect(await applyPending(async () => { throw duplicateKey() }, async () => true)).toBe('already-applied')
  })

  it('is rejected when the unique key holds another item', async () => {
    expect(await applyPending(async () => { throw duplicateKey() }, async () => false)).toBe('rejected')
  })

  it('throws any other failure, so the replayer retries it', async () => {
    await expect(applyPending(async () => { throw writePathDown() }, async () => true)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})
