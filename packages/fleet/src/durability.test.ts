import { DEFAULT_DB_WRITE_TIMEOUT_MS } from '@pos-fleet/platform/config'
import { SEMI_SYNC_TIMEOUT_MS } from '@pos-fleet/topology/durability'
import { describe, expect, it } from 'vitest'
import { type DurabilityStatus, acknowledgedLossPossible, durabilityHealthy } from './durability.js'
import type { SemiSyncState } from './infra/mariadb.js'
import { renderDurability } from './render.js'

const instance = (o: Partial<SemiSyncState> = {}): SemiSyncState => ({
  masterEnabled: true,
  slaveEnabled: true,
  masterActive: false,
  clients: 0,
  yesTx: 0,
  noTx: 0,
  slaveActive: true,
  timeoutMs: SEMI_SYNC_TIMEOUT_MS,
  ...o,
})

const status = (writer: SemiSyncState, o: Partial<DurabilityStatus> = {}): DurabilityStatus => ({
  mode: 'semi-sync',
  writer: 'ap-southeast-1',
  observed: writer.masterEnabled ? 'semi-sync' : 'async',
  semiSyncActive: writer.masterEnabled && writer.masterActive,
  instances: { 'ap-southeast-1': writer, 'eu-central-1': instance(), 'us-east-1': instance({ slaveActive: false }) },
  ...o,
})

describe('durability status', () => {
  it('reports semi-sync active with the replicas that ack and the counters', () => {
    const s = status(instance({ masterActive: true, clients: 1, yesTx: 42, slaveActive: false }))
    expect(renderDurability(s)).toEqual([
      'durability semi-sync ACTIVE at writer ap-southeast-1: a sale is acknowledged once a replica has it (1 replicas connected, acking: eu-central-1; 42 commits acknowledged by a replica, 0 not)',
    ])
    expect(durabilityHealthy(s)).toBe(true)
    expect(acknowledgedLossPossible(s)).toBe(false)
  })

  it('says so, and is unhealthy, when semi-sync silently fell back to async', () => {
    const s = status(instance({ masterActive: false, clients: 2, yesTx: 42, noTx: 3 }))
    expect(renderDurability(s)[0]).toMatch(/^durability semi-sync FELL BACK TO ASYNC at writer ap-southeast-1: no replica acknowledged within 10000 ms.*42 commits acknowledged by a replica, 3 not\)$/)
    expect(durabilityHealthy(s)).toBe(false)
    expect(acknowledgedLossPossible(s)).toBe(true)
  })

  it('reports an async fleet as async, and a runtime toggle against the recorded mode', () => {
    const async = status(instance({ masterEnabled: false, slaveEnabled: false }), { mode: 'async' })
    expect(renderDurability(async)).toEqual(['durability async: a sale is acknowledged once the writer ap-southeast-1 has it'])
    expect(durabilityHealthy(async)).toBe(true)
    expect(acknowledgedLossPossible(async)).toBe(true)
    const toggled = status(instance({ masterActive: true, clients: 2 }), { mode: 'async' })
    expect(renderDurability(toggled)[0]).toContain('ACTIVE (started async, semi-sync now)')
    expect(durabilityHealthy(toggled)).toBe(false)
  })

  it('names an instance it cannot read', () => {
    const s = status(instance({ masterActive: true }), { instances: { 'ap-southeast-1': instance({ masterActive: true }), 'eu-central-1': { error: 'refused' }, 'us-east-1': instance() } })
    expect(renderDurability(s)).toContain('  eu-central-1: semi-sync state unknown (refused)')
  })

  it('waits for an ack longer than a POS waits for its commit, so no sale is told committed while only the writer has it', () => {
    expect(SEMI_SYNC_TIMEOUT_MS).toBeGreaterThan(DEFAULT_DB_WRITE_TIMEOUT_MS)
  })
})
