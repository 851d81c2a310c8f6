import mysql from 'mysql2/promise'
import { onTestFinished } from 'vitest'
import { type RegionId, region as regionSpec } from '@pos-fleet/topology'
import { startRegionKafka } from '../../packages/fleet/src/infra/kafka.js'
import { regionPaths } from '../../packages/fleet/src/infra/paths.js'
import { isPortFree, stopProcess } from '../../packages/fleet/src/infra/processes.js'
import { type Fault, type FaultMode, injectFault, setRegionLinks } from '../../packages/fleet/src/infra/toxiproxy.js'
import { type ServiceLaunch, fleetServices, signalService, startService } from '../../packages/fleet/src/services.js'
import { call, eventually, fleet, storefront } from './fleet.js'

/**
 * Faults a test makes are undone when the test ends, passed or failed (onTestFinished), so
 * one failure never leaves the next test or file a broken fleet. Undoing twice is harmless.
 */

/** Cuts every WAN link into and out of `region` (refused connections); healed at the test's end. */
export async function cutRegion(region: RegionId): Promise<void> {
  onTestFinished(() => setRegionLinks(region, true))
  await setRegionLinks(region, false)
}

export function healRegion(region: RegionId): Promise<void> {
  return setRegionLinks(region, true)
}

/** Fails `region`'s WAN links the way `mode` says (blackhole: every packet dropped); healed at the test's end. */
export async function faultRegion(region: RegionId, mode: FaultMode): Promise<Fault> {
  const fault = await injectFault(region, mode)
  onTestFinished(() => fault.heal())
  return fault
}

/** Waits until `region`'s storefront (or `service`) reports its write path up (`true`) or down. */
export async function waitWritePath(region: RegionId, ok: boolean, timeoutMs = 15_000, service = storefront(region)) {
  return eventually(async () => {
    const r = await call(`${service}/readyz`)
    return r.body?.checks?.writePath?.ok === ok ? r : undefined
  }, timeoutMs, `${region} write path ${ok ? 'up' : 'down'}`)
}

export interface Killable {
  readonly name: string
  readonly port: number
  start(): Promise<unknown>
}

/** A service of the running fleet, restartable with the launch the fleet used. */
export function fleetService(name: string, env: Record<string, string> = {}): Killable & { launch: ServiceLaunch } {
  const found = fleetServices({ writer: fleet.writer, logLevel: 'info' }).find((s) => s.name === name)
  if (!found) throw new Error(`no fleet service ${name}`)
  return ownService({ ...found, env: { ...found.env, ...env } })
}

/** A process of the test's own, started from a launch like the fleet's. */
export function ownService(launch: ServiceLaunch): Killable & { launch: ServiceLaunch } {
  return { name: launch.name, port: launch.port, launch, start: () => startService(launch) }
}

export function regionKafka(region: RegionId): Killable {
  return { name: `kafka-${region}`, port: regionSpec(region).ports.kafka, start: () => startRegionKafka(region) }
}

/** Signals a tracked process and waits until it is really gone: the kernel frees its port only then. */
export async function signalAndWait(target: Killable, signal: NodeJS.Signals): Promise<void> {
  if (!signalService(target.name, signal)) throw new Error(`${target.name} is not running`)
  await eventually(() => isPortFree(target.port), 15_000, `${target.name} gone after ${signal}`)
}

/** Stops a process of the test's own for good: gone, its port free, and no longer recorded among the fleet's. */
export async function stopOwn(target: Killable): Promise<void> {
  await stopProcess(target.name)
  await eventually(() => isPortFree(target.port), 15_000, `${target.name}'s port free`)
}

/**
 * SIGKILLs a process of the fleet and waits until it is gone. Returns its restart; if the
 * test does not call it, the restart runs when the test ends.
 */
export async function kill(target: Killable): Promise<() => Promise<void>> {
  let restarted: Promise<unknown> | undefined
  const restart = async () => {
    restarted ??= target.start()
    await restarted
  }
  onTestFinished(async () => {
    if (await isPortFree(target.port)) await restart()
  })
  await signalAndWait(target, 'SIGKILL')
  return restart
}

/** root over a region's private socket: replication control the application account has no right to. */
export async function asRoot<T>(region: RegionId, work: (db: mysql.Connection) => Promise<T>): Promise<T> {
  const db = await mysql.createConnection({ socketPath: regionPaths(region).mariadb.socket, user: 'root', connectTimeout: 2_000 })
  try {
    return await work(db)
  } finally {
    await db.end().catch(() => db.destroy())
  }
}

/** Stops a replica applying what it receives (its IO thread still runs); restarted at the test's end. */
export async function stopReplicaApplier(region: RegionId): Promise<void> {
  onTestFinished(() => asRoot(region, (db) => db.query('START SLAVE SQL_THREAD')).then(() => undefined))
  await asRoot(region, (db) => db.query('STOP SLAVE SQL_THREAD'))
}
