import { describe, expect, it } from 'vitest'
import { createReferenceData } from './reference-data.js'
import { createStaleIfError } from './stale-if-error.js'
import { memoryReplica } from './test-doubles.js'

const MINUTE = 60_000

/** The real reference data and stale-if-error policy over a replica held in memory, on a clock the test moves. */
function setup() {
  const clock = { t: 1_000_000 }
  const replica = memoryReplica(
    {},
    {
      store: async (id) => (id === 'st-eu' ? { id, merchantId: 'm-cafe', region: 'eu-central-1', name: 'Frankfurt' } : undefined),
      items: async (_m, skus) => skus.filter((sku) => sku === 'ESP-DBL').map((sku) => ({ sku, name: 'Espresso', priceMinor: 350, currency: 'EUR' })),
    },
  )
  const reference = createReferenceData(replica.reference, createStaleIfError({ maxStaleMs: 60 * MINUTE, now: () => clock.t }))
  return { reference, replica, advance: (ms: number) => (clock.t += ms) }
}

describe('reference data: the stock read scope from memory (inScopeFresh)', () => {
  it('knows nothing before the store and the SKU were read, and answers without a read once they were', async () => {
    const { reference, replica } = setup()
    expect(reference.inScopeFresh('m-cafe', 'st-eu', 'ESP-DBL')).toBe(false)
    expect((await reference.store('st-eu'))?.merchantId).toBe('m-cafe')
    expect(reference.inScopeFresh('m-cafe', 'st-eu', 'ESP-DBL')).toBe(false)
    expect(await reference.hasItem('m-cafe', 'ESP-DBL')).toBe(true)
    const reads = replica.reads.count
    expect(reference.inScopeFresh('m-cafe', 'st-eu', 'ESP-DBL')).toBe(true)
    expect(replica.reads.count).toBe(reads)
  })

  it("never vouches for another merchant's store, another merchant's SKU, or a SKU the replica does not have", async () => {
    const { reference } = setup()
    await reference.store('st-eu')
    await reference.hasItem('m-cafe', 'ESP-DBL')
    expect(await reference.hasItem('m-cafe', 'NOPE')).toBe(false)
    expect(reference.inScopeFresh('m-other', 'st-eu', 'ESP-DBL')).toBe(false)
    expect(reference.inScopeFresh('m-cafe', 'st-eu', 'NOPE')).toBe(false)
    expect(reference.inScopeFresh('m-cafe', 'st-unknown', 'ESP-DBL')).toBe(false)
  })

  it('stops answering from memory once the scope is a minute old: the next check reads the replica again', async () => {
    const { reference, advance } = setup()
    await reference.store('st-eu')
    await reference.hasItem('m-cafe', 'ESP-DBL')
    advance(MINUTE - 1)
    expect(reference.inScopeFresh('m-cafe', 'st-eu', 'ESP-DBL')).toBe(true)
    advance(1)
    expect(reference.inScopeFresh('m-cafe', 'st-eu', 'ESP-DBL')).toBe(false)
  })
})
