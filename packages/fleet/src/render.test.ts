import { describe, expect, it } from 'vitest'
import type { RegionStatus } from './fleet.js'
import { allReady, renderProgress, renderStatus } from './render.js'

const region = (ready: boolean): RegionStatus => ({
  region: 'eu-central-1',
  role: 'reader',
  services: { storefront: { ready: true }, 'inventory-delta': { ready } },
  writePath: 'up',
  replicationLagMs: 12,
})

describe('renderStatus', () => {
  it('prints one line per region and flags what is not ready', () => {
    expect(renderStatus([region(false)])).toEqual(['eu-central-1    reader  write path up   lag    12 ms  storefront ready, inventory-delta NOT READY'])
    expect(allReady([region(true)])).toBe(true)
    expect(allReady([region(true), region(false)])).toBe(false)
  })
})

describe('renderProgress', () => {
  it('fills the bar in proportion and never past the total', () => {
    expect(renderProgress(15, 60, 700, 0)).toBe(`[${'#'.repeat(8)}${' '.repeat(22)}] 15/60 s  700 requests  0 errors`)
    expect(renderProgress(61, 60, 3000, 2)).toBe(`[${'#'.repeat(30)}] 60/60 s  3000 requests  2 errors`)
  })
})
