import type { Admin, Kafka, Producer } from 'kafkajs'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createWritePathBreaker } from './db/write-path.js'
import { type ApplyOutcome, consumerGroupLag, createLocalQueue, startReplayer } from './local-queue.js'
import { writePathDown } from './test-doubles.js'

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

function queueWith(send: () => Promise<unknown>, enqueueTimeoutMs = 3_000) {
  const p = producer(send)
  const queue = createLocalQueue<Item>({
    kafka: {} as Kafka,
    producer: p.producer,
    topic: 'pending-things',
    keyOf: (i) => i.key,
    idOf: (i) => i.id,
    log,
    enqueueTimeoutMs,
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

/** An admin client answering the offsets asked for by consumerGroupLag. */
function fakeAdmin(ends: Array<{ partition: number; high: string; low: string }>, committed: Array<{ partition: number; offset: string }>) {
  return {
    connect: async () => {},
    disconnect: async () => {},
    fetchTopicOffsets: async () => ends.map((e) => ({ ...e, offset: e.high })),
    fetchOffsets: async () => [{ topic: 'pending-things', partitions: committed }],
  } as unknown as Admin
}

describe('consumerGroupLag', () => {
  it('sums end minus committed offset over partitions, from the log start where nothing is committed yet', async () => {
    const admin = fakeAdmin(
      [
        { partition: 0, high: '10', low: '0' },
        { partition: 1, high: '7', low: '3' },
        { partition: 2, high: '5', low: '5' },
      ],
      [
        { partition: 0, offset: '8' },
        { partition: 1, offset: '-1' },
        { partition: 2, offset: '5' },
      ],
    )
    expect(await consumerGroupLag(admin, 'replayer-test', 'pending-things')).toBe(2 + 4 + 0)
  })
})

type EachMessage = (payload: { message: { value: Buffer | null; offset: string }; heartbeat: () => Promise<void> }) => Promise<void>

/** A Kafka whose consumer hands the test its eachMessage, to deliver messages by hand. */
function fakeKafka() {
  let eachMessage: EachMessage | undefined
  let running: () => void = () => {}
  const ready = new Promise<void>((resolve) => (running = resolve))
  const consumer = {
    connect: async () => {},
    subscribe: async () => {},
    run: async (o: { eachMessage: EachMessage }) => {
      eachMessage = o.eachMessage
      running()
    },
    disconnect: async () => {},
  }
  return {
    kafka: { consumer: () => consumer, admin: () => fakeAdmin([], []) } as unknown as Kafka,
    async deliver(item: Item) {
      await ready
      return eachMessage!({ message: { value: Buffer.from(JSON.stringify(item)), offset: '0' }, heartbeat: async () => {} })
    },
  }
}

function replayer(apply: (item: Item) => Promise<ApplyOutcome>, breaker = createWritePathBreaker()) {
  const { kafka, deliver } = fakeKafka()
  const outcomes: ApplyOutcome[] = []
  const r = startReplayer<Item>({
    kafka,
    topic: 'pending-things',
    groupId: 'replayer-test',
    breaker,
    apply,
    onApplied: (_item, outcome) => outcomes.push(outcome),
    log,
    pauseMs: 5,
    retryBackoffMs: 5,
  })
  return { r, deliver, outcomes, breaker }
}

describe('startReplayer', () => {
  it('applies a queued item and reports its outcome', async () => {
    const { deliver, outcomes } = replayer(async () => 'applied')
    await deliver({ id: 'a', key: 'k' })
    expect(outcomes).toEqual(['applied'])
  })

  it('waits while the breaker is open and applies once it closes', async () => {
    const tries: string[] = []
    const breaker = createWritePathBreaker()
    breaker.reportFailure(writePathDown())
    const { deliver, outcomes } = replayer(async (item) => {
      tries.push(item.id)
      return 'applied'
    }, breaker)
    const done = deliver({ id: 'a', key: 'k' })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(tries).toEqual([])
    breaker.reportSuccess()
    await done
    expect(tries).toEqual(['a'])
    expect(outcomes).toEqual(['applied'])
  })

  it('opens the breaker when applying finds the write path down, and applies after it heals', async () => {
    let calls = 0
    const { deliver, outcomes, breaker } = replayer(async () => {
      calls++
      if (calls === 1) {
        // The heartbeat would close it again once the link heals.
        setTimeout(() => breaker.reportSuccess(), 20)
        throw writePathDown()
      }
      return 'already-applied'
    })
    await deliver({ id: 'a', key: 'k' })
    expect(calls).toBe(2)
    expect(outcomes).toEqual(['already-applied'])
  })

  it('retries an item that fails for another reason instead of skipping it', async () => {
    let calls = 0
    const { deliver, outcomes } = replayer(async () => {
      calls++
      if (calls < 3) throw new Error('deadlock found')
      return 'applied'
    })
    await deliver({ id: 'a', key: 'k' })
    expect(calls).toBe(3)
    expect(outcomes).toEqual(['applied'])
  })

  it('abandons an item without committing its offset once stopping', async () => {
    const breaker = createWritePathBreaker()
    breaker.reportFailure(writePathDown())
    const { r, deliver } = replayer(async () => 'applied', breaker)
    const done = deliver({ id: 'a', key: 'k' })
    await r.stop()
    await expect(done).rejects.toThrow('replayer stopping')
  })
})
