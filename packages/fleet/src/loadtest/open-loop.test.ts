import { describe, expect, it } from 'vitest'
import { openLoop } from './open-loop.js'

/** A schedule that started at time 0 is all due already: the loop sends at once, and the count is what it scheduled. */
async function scheduled(rate: number, durationMs: number): Promise<number[]> {
  const due: number[] = []
  await openLoop(rate, durationMs, async (at) => void due.push(at), 0)
  return due
}

describe('openLoop', () => {
  it.each([
    [38, 500, 19],
    [76, 250, 19],
    [174, 500, 87],
    [5_594, 2_000, 11_188],
  ])('schedules exactly rate × duration sends (%i/s for %i ms: %i), where adding up the intervals falls short of the end', async (rate, durationMs, expected) => {
    expect(await scheduled(rate, durationMs)).toHaveLength(expected)
  })

  it('counts a send due inside the window when rate × duration is not whole, and spaces sends by 1/rate', async () => {
    const due = await scheduled(3, 500)
    expect(due).toHaveLength(2)
    expect(due[1]! - due[0]!).toBeCloseTo(1000 / 3, 9)
  })
})
