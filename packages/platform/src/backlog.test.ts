import type { Admin } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { consumerGroupLag } from './backlog.js'

/** An admin client answering the offsets asked for by consumerGroupLag. */
function fakeAdmin(ends: Array<{ partition: number; high: string; low: string }>, committed: Array<{ partition: number; offset: string }>) {
  return {
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
