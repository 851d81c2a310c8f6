import type { Kafka, Producer } from 'kafkajs'
import { pino } from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { createLocalQueue } from './local-queue.js'

interface Item {
  id: string
  key: string
}

const log = pino({ level: 'silent' })

/** A producer whose send does what the test says: resolve, reject, or never settle. */
function producer(send: () => Promise<unknown>) {
  const sent: unknown[] = []
  return {
    sent,
    producer: { send: async (record: unknown) => (sent.push(record), send()) } as unknown as Producer,
  }
}

function queueWith(send: () => Promise<unknown>, enqueueTimeoutMs = 3_000, kafka = {} as Kafka) {
  const p = producer(send)
  const queue = createLocalQueue<Item>({
    kafka,
    producer: p.producer,
    topic: 'pending-things',
    keyOf: (i) => i.key,
    idOf: (i) => i.id,
    log,
    enqueueTimeoutMs,
    watermarkGroup: 'replayer-of-pending-things',
    pruneIntervalMs: 5,
  })
  return { queue, sent: p.sent }
}

describe('createLocalQueue', () => {
  it('sends with acks=all, keyed for ordering, and shows the item once the broker has it', async () => {
    const { queue, sent } = queueWith(async () => [])
    await queue.enqueue({ id: 'a', key: 'terminal-1' })
    expect(sent).toEqual([{ topic: 'pending-things', acks: -1, messages: [{ key: 'terminal-1', value: JSON.stringify({ id: 'a', key: 'terminal-1' }) }] }])
    expect(queue.get('a')).toEqual({ id: 'a', key: 'terminal-1' })
  })

  it('does not show an item the broker refused', async () => {
    const { queue } = queueWith(async () => {
      throw new Error('broker down')
    })
    await expect(queue.enqueue({ id: 'a', key: 'k' })).rejects.toThrow('broker down')
    expect(queue.get('a')).toBeUndefined()
  })

  it('gives up on a send that never settles within its deadline', async () => {
    const { queue } = queueWith(() => new Promise(() => {}), 50)
    await expect(queue.enqueue({ id: 'a', key: 'k' })).rejects.toThrow(/queueing to pending-things took longer than 50 ms/)
    expect(queue.get('a')).toBeUndefined()
  })

  it('forgets an item once the write path has it', async () => {
    const { queue } = queueWith(async () => [])
    await queue.enqueue({ id: 'a', key: 'k' })
    queue.forget('a')
    expect([...queue.values()]).toEqual([])
  })
})

type EachBatch = (payload: { batch: { partition: number; messages: Array<{ offset: string; value: Buffer | null }> } }) => Promise<void>

/**
 * A Kafka holding one partition of `high` messages, whose replayer group has committed
 * `committed` (the test moves it): the view's consumer gets what it seeks to, by hand.
 */
function fakeKafka(o: { high: number; committed: number }) {
  const state = { committed: o.committed, seeks: [] as Array<{ partition: number; offset: string }> }
  let eachBatch: EachBatch | undefined
  let joined: () => void = () => {}
  const running = new Promise<void>((resolve) => (joined = resolve))
  const listeners: Array<() => void> = []
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join' },
    on: (_event: string, listener: () => void) => listeners.push(listener),
    connect: async () => {},
    subscribe: async () => {},
    seek: (s: { partition: number; offset: string }) => state.seeks.push(s),
    run: async (r: { eachBatch: EachBatch }) => {
      eachBatch = r.eachBatch
      for (const l of listeners) l()
      joined()
    },
    disconnect: async () => {},
  }
  const admin = {
    connect: async () => {},
    disconnect: async () => {},
    fetchTopicOffsets: async () => [{ partition: 0, offset: String(o.high), high: String(o.high), low: '0' }],
    fetchOffsets: async () => [{ topic: 'pending-things', partitions: [{ partition: 0, offset: String(state.committed) }] }],
  }
  return {
    state,
    kafka: { consumer: () => consumer, admin: () => admin } as unknown as Kafka,
    async deliver(from: number, to: number) {
      await running
      const messages = []
      for (let n = from; n < to; n++) messages.push({ offset: String(n), value: Buffer.from(JSON.stringify({ id: `item-${n}`, key: 'k' })) })
      await eachBatch!({ batch: { partition: 0, messages } })
    },
  }
}

describe('the store-and-forward view', () => {
  it('starts each partition at the replayer’s committed offset and is ready once it has read what was pending', async () => {
    const f = fakeKafka({ high: 10_000, committed: 9_997 })
    const { queue } = queueWith(async () => [], 3_000, f.kafka)
    const started = queue.startView()
    await f.deliver(9_997, 10_000)
    await started
    expect(f.state.seeks).toEqual([{ topic: 'pending-things', partition: 0, offset: '9997' }])
    expect(queue.stats()).toEqual({ entries: 3, readAtStart: 3, skippedAtStart: 9_997 })
    expect(queue.get('item-9998')).toEqual({ id: 'item-9998', key: 'k' })
    await queue.stop()
  })

  it('drops the entries the replayer’s committed offset has passed, and keeps the rest', async () => {
    const f = fakeKafka({ high: 3, committed: -1 })
    const { queue } = queueWith(async () => [], 3_000, f.kafka)
    const started = queue.startView()
    await f.deliver(0, 3)
    await started
    expect(queue.stats()).toMatchObject({ entries: 3, skippedAtStart: 0 })
    f.state.committed = 2
    await vi.waitFor(() => expect([...queue.values()].map((i) => i.id)).toEqual(['item-2']))
    await queue.stop()
  })

  it('does not take back an item below the committed offset that its consumer reads late', async () => {
    const f = fakeKafka({ high: 0, committed: 5 })
    const { queue } = queueWith(async () => [], 3_000, f.kafka)
    await queue.startView()
    await f.deliver(4, 6)
    expect([...queue.values()].map((i) => i.id)).toEqual(['item-5'])
    await queue.stop()
  })

  it('shows its own enqueue at once, and drops it by its offset once the replayer passes it', async () => {
    const f = fakeKafka({ high: 0, committed: 0 })
    const { queue } = queueWith(async () => [{ topicName: 'pending-things', partition: 0, baseOffset: '0' }], 3_000, f.kafka)
    await queue.startView()
    await queue.enqueue({ id: 'a', key: 'k' })
    expect(queue.get('a')).toEqual({ id: 'a', key: 'k' })
    f.state.committed = 1
    await vi.waitFor(() => expect(queue.stats().entries).toBe(0))
    await queue.stop()
  })
})
