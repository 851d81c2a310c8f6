/**
 * The fleet's durability mode at run time: what `fleet up --durability` recorded in
 * endpoints.json, and what every instance's semi-sync variables and counters say now. MariaDB
 * falls back to async silently when no replica acks within the timeout; this is where an
 * operator sees it (`fleet status`).
 */
import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import { DEFAULT_DURABILITY, type Durability } from '@pos-fleet/topology/durability'
import type { Endpoints } from './endpoints.js'
import { type SemiSyncState, semiSyncState } from './infra/mariadb.js'
import { messageOf } from './errors.js'

/** endpoints.json as `fleet up` writes it: the spec's contract plus the mode it started with. */
export type FleetEndpoints = Endpoints & { readonly durability: Durability }

export function recordedDurability(endpoints: Endpoints): Durability {
  return (endpoints as Partial<FleetEndpoints>).durability ?? DEFAULT_DURABILITY
}

export interface DurabilityStatus {
  /** The mode the fleet was started with. */
  readonly mode: Durability
  readonly writer: RegionId
  /** The mode the writer's master side is in now (semi-sync can be toggled at run time). */
  readonly observed: Durability | 'unknown'
  /** semi-sync observed and the writer waiting for acks: a commit is acknowledged once a replica has it. */
  readonly semiSyncActive: boolean
  readonly instances: Readonly<Record<RegionId, SemiSyncState | { readonly error: string }>>
}

export async function durabilityStatus(endpoints: Endpoints): Promise<DurabilityStatus> {
  const entries = await Promise.all(
    REGION_IDS.map(async (region) => [region, await semiSyncState(region).catch((error: unknown) => ({ error: messageOf(error) }))] as const),
  )
  const instances = Object.fromEntries(entries) as Record<RegionId, SemiSyncState | { error: string }>
  const writer = instances[endpoints.writer]
  const observed = 'error' in writer ? 'unknown' : writer.masterEnabled ? 'semi-sync' : 'async'
  return {
    mode: recordedDurability(endpoints),
    writer: endpoints.writer,
    observed,
    semiSyncActive: !('error' in writer) && writer.masterEnabled && writer.masterActive,
    instances,
  }
}

/** Healthy when the writer gives the durability the fleet was started with. */
export function durabilityHealthy(s: DurabilityStatus): boolean {
  return s.mode === 'async' ? s.observed === 'async' : s.semiSyncActive
}

/**
 * The hook for the unplanned failover drill (built later), which reads this just before it
 * kills the writer: while semi-sync is active, every acknowledged sale is on a replica, so its
 * RPO at promotion must be 0; otherwise (async, or semi-sync fallen back) the replicas' lag
 * bounds what may be missing, and the drill reports it as measured.
 */
export function acknowledgedLossPossible(s: DurabilityStatus): boolean {
  return !s.semiSyncActive
}
