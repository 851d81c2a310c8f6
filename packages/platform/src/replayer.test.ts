import type { Kafka } from 'kafkajs'
import { pino } from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { createWritePathBreaker } from './db/write-path.js'
import { type ApplyOutcome, type Queued, startReplayer } from './replayer.js'
import { duplicateKey, writePathDown } from './test-doubles.js'

interface Item {
  id: string
  key: string
}

const log = pino({ level: 'silent' })

interface BatchPayload {
  batch: { partition: number; messages: Array<{ value: Buffer | null; offset: string; headers: Record<string, Buffer> }> }
  resolveOffset(offset: string): void
  heartbeat(): Promise<void>
  isRunning(): boolean
  isStale(): boolean
}

/** A Kafka whose consumer hands the test its eachBatch, to deliver batches by hand, and records commits. */
function fakeKafka() {
  let eachBatch: ((p: BatchPayload) => Promise<void>) | undefined
  let running: () => void = () => {}
  const ready = new Promise<void>((resolve) => (running = resolve))
  const resolved: string[] = []
  const commits: Array<Array<{ partition: number; offset: string }>> = []
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join' },
    on: () => {},
    connect: async () => {},
    subscribe: async () => {},
    run: async (o: { eachBatch: (p: BatchPayload) => Promise<void> }) => {
      eachBatch = o.eachBatch
      running()
    },
    commitOffsets: async (c: Array<{ partition: number; offset: string }>) => void commits.push(c.map(({ partition, offset }) => ({ partition, offset }))),
    disconnect: async () => {},
  }
  return {
    kafka: { consumer: () => consumer, admin: () => ({ connect: async () => {}, disconnect: async () => {} }) } as unknown as Kafka,
    resolved,
    commits,
    async deliver(items: Item[], from = 0) {
      await ready
      return eachBatch!({
        batch: { partition: 0, messages: items.map((item, i) => ({ value: Buffer.from(JSON.stringify(item)), offset: String(from + i), headers: {} })) },
        resolveOffset: (offset) => void resolved.push(offset),
        heartbeat: async () => {},
        isRunning: () => true,
        isStale: () => false,
      })
    },
  }
}

const items = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `item-${from + i}`, key: `terminal-${(from + i) % 2}` }))

function replayer(o: {
  apply?: (item: Item) => Promise<ApplyOutcome>
  applyBatch?: (batch: Array<Queued<Item>>) => Promise<string>
  settled?: (items: Item[]) => Promise<Array<ApplyOutcome | undefined>>
  breaker?: ReturnType<typeof createWritePathBreaker>
  holds?: () => boolean
  batchSize?: number
}) {
  const { kafka, deliver, resolved, commits } = fakeKafka()
  const outcomes: Array<[string, ApplyOutcome]> = []
  const breaker = o.breaker ?? createWritePathBreaker()
  const r = startReplayer<Item>({
    kafka,
    topic: 'pending-things',
    groupId: 'replayer-test',
    breaker,
    apply: o.apply ?? (async () => 'applied'),
    ...(o.applyBatch ? { applyBatch: o.applyBatch } : {}),
    ...(o.settled ? { settled: o.settled } : {}),
    writerPosition: async () => '0-1-99',
    localHolds: async () => () => o.holds?.() ?? true,
    onApplied: (item, outcome) => outcomes.push([item.id, outcome]),
    log,
    pauseMs: 5,
    retryBackoffMs: 5,
    confirmIntervalMs: 5,
    ...(o.batchSize ? { batchSize: o.batchSize } : {}),
  })
  return { r, deliver, outcomes, breaker, resolved, commits }
}

describe('startReplayer', () => {
  describe('in batches', () => {
    it('commits consecutive items in one write-path transaction each, in offset order, and reports every item applied', async () => {
      const batches: string[][] = []
      const { deliver, outcomes, resolved } = replayer({
        applyBatch: async (batch) => (batches.push(batch.map((q) => q.item.id)), `0-1-${batches.length}`),
        batchSize: 100,
      })
      await deliver(items(250))
      expect(batches.map((b) => b.length)).toEqual([100, 100, 50])
      expect(batches.flat()).toEqual(items(250).map((i) => i.id))
      expect(outcomes).toHaveLength(250)
      expect(new Set(outcomes.map(([, o]) => o))).toEqual(new Set(['applied']))
      expect(resolved).toEqual(['99', '199', '249'])
    })

    it('replays a batch one by one when one of its items cannot commit, so a duplicate or a rejected item poisons nothing', async () => {
      const applied: string[] = []
      const { deliver, outcomes } = replayer({
        applyBatch: async () => {
          throw duplicateKey()
        },
        apply: async (item) => {
          if (item.id === 'item-1') return 'rejected'
          if (item.id === 'item-2') return 'already-applied'
          applied.push(item.id)
          return 'applied'
        },
      })
      await deliver(items(4))
      expect(applied).toEqual(['item-0', 'item-3'])
      expect(outcomes).toEqual([
        ['item-0', 'applied'],
        ['item-1', 'rejected'],
        ['item-2', 'already-applied'],
        ['item-3', 'applied'],
      ])
    })

    it('sorts out in one look what the write path already holds and commits the rest as one batch', async () => {
      const batches: string[][] = []
      const { deliver, outcomes } = replayer({
        applyBatch: async (batch) => {
          batches.push(batch.map((q) => q.item.id))
          if (batches.length === 1) throw duplicateKey()
          return '0-1-8'
        },
        settled: async (found) => found.map((i) => (i.id === 'item-0' ? 'already-applied' : i.id === 'item-2' ? 'rejected' : undefined)),
        apply: async () => {
          throw new Error('nothing goes one by one here')
        },
      })
      await deliver(items(4))
      expect(batches).toEqual([['item-0', 'item-1', 'item-2', 'item-3'], ['item-1', 'item-3']])
      expect(new Map(outcomes)).toEqual(
        new Map([
          ['item-0', 'already-applied'],
          ['item-1', 'applied'],
          ['item-2', 'rejected'],
          ['item-3', 'applied'],
        ]),
      )
    })

    it('goes one by one when the write path holds none of a batch that did not commit (a key twice within it)', async () => {
      const applied: string[] = []
      const { deliver } = replayer({
        applyBatch: async () => {
          throw duplicateKey()
        },
        settled: async (found) => found.map(() => undefined),
        apply: async (item) => (applied.push(item.id), 'applied'),
      })
      await deliver(items(3))
      expect(applied).toEqual(['item-0', 'item-1', 'item-2'])
    })

    it('waits on an open breaker and retries the whole batch once the write path is back', async () => {
      const breaker = createWritePathBreaker()
      let calls = 0
      const { deliver, outcomes } = replayer({
        breaker,
        applyBatch: async () => {
          calls++
          if (calls === 1) {
            setTimeout(() => breaker.reportSuccess(), 20)
            throw writePathDown()
          }
          return '0-1-7'
        },
      })
      await deliver(items(3))
      expect(calls).toBe(2)
      expect(outcomes.map(([, o]) => o)).toEqual(['applied', 'applied', 'applied'])
    })

    it('commits a partition’s offset only once the local replica holds what the batch applied', async () => {
      let replicated = false
      const { deliver, commits } = replayer({ applyBatch: async () => '0-1-42', holds: () => replicated })
      await deliver(items(5), 10)
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(commits).toEqual([])
      replicated = true
      await vi.waitFor(() => expect(commits).toEqual([[{ partition: 0, offset: '15' }]]))
    })
  })

  describe('one by one', () => {
    it('applies a queued item and reports its outcome', async () => {
      const { deliver, outcomes } = replayer({ apply: async () => 'applied' })
      await deliver(items(1))
      expect(outcomes).toEqual([['item-0', 'applied']])
    })

    it('waits while the breaker is open and applies once it closes', async () => {
      const tries: string[] = []
      const breaker = createWritePathBreaker()
      breaker.reportFailure(writePathDown())
      const { deliver, outcomes } = replayer({
        breaker,
        apply: async (item) => {
          tries.push(item.id)
          return 'applied'
        },
      })
      const done = deliver(items(1))
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(tries).toEqual([])
      breaker.reportSuccess()
      await done
      expect(tries).toEqual(['item-0'])
      expect(outcomes).toEqual([['item-0', 'applied']])
    })

    it('retries an item that fails for another reason instead of skipping it', async () => {
      let calls = 0
      const { deliver, outcomes } = replayer({
        apply: async () => {
          calls++
          if (calls < 3) throw new Error('deadlock found')
          return 'applied'
        },
      })
      await deliver(items(1))
      expect(calls).toBe(3)
      expect(outcomes).toEqual([['item-0', 'applied']])
    })
  })

  it('abandons a batch without resolving its offset once stopping', async () => {
    const breaker = createWritePathBreaker()
    breaker.reportFailure(writePathDown())
    const { r, deliver, resolved } = replayer({ breaker, applyBatch: async () => '0-1-1' })
    const done = deliver(items(2))
    await r.stop()
    await expect(done).rejects.toThrow('replayer stopping')
    expect(resolved).toEqual([])
  })
})
