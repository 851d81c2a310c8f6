/**
 * The planned switchover (`fleet failover --to REGION`), built from steps an unplanned
 * failover reuses: fence, promote, re-point the write path and the replicas, relocate
 * payments-worker, publish the truth.
 */
import { type RegionId, regions } from '@pos-fleet/topology'
import { type Endpoints, endpointsFile, withWriter, writeEndpoints } from '../endpoints.js'
import { FleetError, messageOf } from '../errors.js'
import { recordedDurability } from '../durability.js'
import { binlogGtid, currentGtid, followWriter, promoteToWriter, replicationStatus, setReadOnly, waitReplicaCaughtUp, writeRegionConfig } from '../infra/mariadb.js'
import { retryUntil, stopProcess } from '../infra/processes.js'
import { repointGlobalProxies } from '../infra/toxiproxy.js'
import { paymentsWorkerLaunch, startService } from '../services.js'
import { missingTransactions } from './gtid.js'
import { acquireFailoverLock } from './lock.js'
import { type FailoverStep, stepRecorder } from './steps.js'

export type { FailoverStep as SwitchoverStep } from './steps.js'

export interface SwitchoverReport {
  readonly from: RegionId
  readonly to: RegionId
  /** Transactions the old writer had that the new one lacked at promotion; must be 0. */
  readonly rpoTransactions: number
  /** The old writer's last GTID position, all of it on the new writer before promotion. */
  readonly gtid: string
  readonly steps: readonly FailoverStep[]
  readonly totalMs: number
}

export interface SwitchoverOptions {
  readonly to: RegionId
  /** How long the target may take to apply the fenced writer's last GTID. @default 10000 */
  readonly catchUpTimeoutMs?: number
  readonly log?: (line: string) => void
}

/** A healthy replica is within this of the writer before anything is touched. */
const PREFLIGHT_CATCH_UP_MS = 5_000

/** What makes `to` unfit to take the writer over, checked before anything changes (exit 2). */
export async function preflight(endpoints: Endpoints, to: RegionId): Promise<void> {
  const from = endpoints.writer
  if (to === from) throw new FleetError(`${to} is already the writer: nothing changed`, { exitCode: 2 })
  const status = await replicationStatus(to).catch((error: unknown) => {
    throw new FleetError(`${to}'s database does not answer (${messageOf(error)}): nothing changed`, { exitCode: 2 })
  })
  if (!status) throw new FleetError(`${to}'s database replicates from nobody: nothing changed`, { exitCode: 2 })
  if (status.ioThread !== 'Yes' || !status.sqlThreadRunning) {
    const why = `IO thread ${status.ioThread}, SQL thread ${status.sqlThreadRunning ? 'running' : 'stopped'}${status.lastIoError ? `: ${status.lastIoError}` : ''}${status.lastSqlError ? `: ${status.lastSqlError}` : ''}`
    throw new FleetError(`${to}'s replica is down (${why}): nothing changed`, { exitCode: 2 })
  }
  const writerPos = await binlogGtid(from)
  await waitReplicaCaughtUp(to, writerPos, PREFLIGHT_CATCH_UP_MS).catch((error: unknown) => {
    throw new FleetError(`${to}'s replica is not caught up with ${from} (${messageOf(error)}): nothing changed`, { exitCode: 2 })
  })
}

/** Moves payments-worker: stopped in `from` (if it runs there) before it starts in `to`. */
export async function relocatePaymentsWorker(from: RegionId | null, to: RegionId): Promise<void> {
  if (from) await stopProcess(`payments-worker-${from}`)
  const target = regions.find((r) => r.id === to)!
  // Its outbox drain takes rows FOR UPDATE SKIP LOCKED and captures under the payment id
  // (the gateway is idempotent), so whatever the old worker left half-done is finished once.
  await startService(paymentsWorkerLaunch({ writer: to, logLevel: 'info' }, target))
}

/** How long a re-pointed replica may take to stream from the new writer and apply what it has. */
const REPLICA_STREAMING_MS = 15_000

/**
 * Every other region's instance follows `writer` (`demoted`, the old writer, with its own
 * GTIDs as its position), and is streaming and caught up before this returns: the next
 * switchover's preflight finds healthy replicas, not ones still connecting.
 */
export async function repointReplicas(writer: RegionId, demoted: RegionId | null): Promise<void> {
  const replicas = regions.filter((r) => r.id !== writer).map((r) => r.id)
  await Promise.all(replicas.map((id) => followWriter(id, writer, { demote: id === demoted })))
  const position = await binlogGtid(writer)
  await Promise.all(
    replicas.map(async (id) => {
      await waitReplicaCaughtUp(id, position, REPLICA_STREAMING_MS)
      await retryUntil(`${id}'s IO thread to stream from ${writer}`, REPLICA_STREAMING_MS, async () => {
        const status = await replicationStatus(id)
        if (status?.ioThread !== 'Yes') throw new Error(`IO thread ${status?.ioThread ?? 'absent'}`)
      })
    }),
  )
}

export async function switchover(endpoints: Endpoints, options: SwitchoverOptions): Promise<SwitchoverReport> {
  const from = endpoints.writer
  const { to } = options
  const log = options.log ?? (() => undefined)
  const release = acquireFailoverLock()
  try {
    await preflight(endpoints, to)
    const started = performance.now()
    const { steps, step } = stepRecorder(log)

    await step('fence old writer', () => setReadOnly(from, true), () => `${from} read_only=1`)
    let gtid: string
    let rpo: number
    try {
      gtid = await step('target applies last GTID', async () => {
        const last = await binlogGtid(from)
        await waitReplicaCaughtUp(to, last, options.catchUpTimeoutMs ?? 10_000)
        return last
      }, (last) => `${to} at ${last}`)
      rpo = await step('verify RPO', async () => missingTransactions(gtid, await currentGtid(to)), (missing) => `${missing} transactions missing`)
      if (rpo !== 0) throw new Error(`${to} lacks ${rpo} of ${from}'s transactions`)
    } catch (error) {
      await setReadOnly(from, false)
      throw new FleetError(`switchover to ${to} aborted, ${from} is the writer again (read_only=0): nothing changed`, { cause: error })
    }

    await step('promote', () => promoteToWriter(to), () => `${to}: STOP SLAVE, RESET SLAVE ALL, read_only=0, flush every commit`)
    await step('re-point global write paths', () => repointGlobalProxies(to, endpoints.wanScale), () => `every region writes to ${to}`)
    writeEndpoints(endpointsFile, withWriter(endpoints, to, from))
    await step('re-point replicas', () => repointReplicas(to, from), () => `${regions.filter((r) => r.id !== to).map((r) => r.id).join(', ')} follow ${to} (${from} demoted)`)
    await step('relocate payments-worker', () => relocatePaymentsWorker(from, to), () => `${from} → ${to}`)
    // A restart after this brings every instance back in its new role, not the one it started with.
    await Promise.all(regions.map((r) => writeRegionConfig(r.id, to, recordedDurability(endpoints))))
    writeEndpoints(endpointsFile, withWriter(endpoints, to, to))
    return { from, to, rpoTransactions: rpo, gtid, steps, totalMs: Math.round(performance.now() - started) }
  } finally {
    release()
  }
}
