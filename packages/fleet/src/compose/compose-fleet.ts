/**
 * The three-region fleet in containers: docker-compose.yml on a Docker engine (started here when
 * none answers), from images built here, publishing the native fleet's ports on 127.0.0.1 and
 * writing the same .pos-fleet/endpoints.json, so `fleet loadtest`, `fleet drill partition` and
 * `fleet status` work unchanged against it.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { globalProxies, loopbackAddressing, regions, topology } from '@pos-fleet/topology'
import { DEFAULT_DURABILITY, type Durability } from '@pos-fleet/topology/durability'
import { serviceLaunches } from '@pos-fleet/topology/services'
import type { FleetEndpoints } from '../durability.js'
import { type Endpoints, describeEndpoints, endpointsFile, readEndpoints, writeEndpoints } from '../endpoints.js'
import { FleetError } from '../errors.js'
import { databaseUrls } from '../infra/mariadb.js'
import { describePortHolder } from '../infra/port-holders.js'
import { isPortFree, isRunning, lastLines, listProcesses } from '../infra/processes.js'
import { ensureBaseImages } from './base-images.js'
import { type ComposeEndpoints, isComposeFleet } from './runtime.js'
import { credentialsFromMigratorLog } from './credentials.js'
import { composeStateDir, engineAnswers, ensureEngine, stopOwnEngine } from './engine.js'
import { type ContainerState, compose, containers, leftovers } from './project.js'


/** The root password docker-compose.yml gives the MariaDB containers (POS_DB_ROOT_PASSWORD). */
const rootPassword = () => process.env.POS_DB_ROOT_PASSWORD ?? 'pos-root-local-demo'
const UP_WAIT_TIMEOUT_S = 300
const buildLog = join(composeStateDir, 'build.log')
const upLog = join(composeStateDir, 'up.log')

/** Every port docker-compose.yml publishes on 127.0.0.1: the spec's, as the native fleet's. */
export function composePorts(): number[] {
  const launches = serviceLaunches({ writer: topology.writer, addressing: loopbackAddressing, logLevel: 'info', gatewayLedgerPath: '-' })
  return [
    topology.toxiproxy.apiPort,
    ...globalProxies().map((p) => p.listenPort),
    ...regions.map((r) => r.ports.mariadb),
    ...launches.map((l) => l.port),
  ].sort((a, b) => a - b)
}

/** Exit 2, nothing started, when the native fleet (or anything else) holds a port this fleet publishes. */
async function assertPortsFree(): Promise<void> {
  const running = listProcesses().filter(isRunning)
  const taken: number[] = []
  for (const port of composePorts()) if (!(await isPortFree(port))) taken.push(port)
  if (taken.length > 0) {
    const described = await Promise.all(taken.slice(0, 3).map(async (port) => `port ${port} is held by ${await describePortHolder(port, running)}`))
    const more = taken.length > 3 ? ` (and ${taken.length - 3} more of its ports)` : ''
    throw new FleetError(`cannot start the compose fleet: ${described.join('; ')}${more}; nothing was started`, { exitCode: 2 })
  }
  if (running.length > 0) {
    throw new FleetError(`cannot start the compose fleet: the native fleet is running (${running.map((p) => p.name).join(', ')}); stop it with \`pnpm fleet down\`; nothing was started`, { exitCode: 2 })
  }
}

export interface ComposeUpOptions {
  readonly wanScale: number
  readonly durability?: Durability
  readonly buildCa?: string
  readonly log: (line: string) => void
}

export interface ComposeUpResult {
  readonly endpoints: ComposeEndpoints & FleetEndpoints
  readonly buildMs: number
  readonly upMs: number
  readonly startupMs: number
}

function save(path: string, text: string): string {
  mkdirSync(composeStateDir, { recursive: true })
  writeFileSync(path, text)
  return text
}

/** The containers that are neither running healthy nor exited 0, with their last log lines. */
async function unhealthyReport(): Promise<string> {
  const bad = (await containers().catch(() => [] as ContainerState[])).filter((c) => !(c.state === 'running' && c.health !== 'unhealthy' && c.health !== 'starting') && !(c.state === 'exited' && c.exitCode === 0))
  const parts = await Promise.all(
    bad.map(async (c) => {
      const logs = await compose(['logs', '--no-color', '--no-log-prefix', '--tail', '10', c.service])
      return `--- ${c.service}: ${c.state}${c.health ? ` (${c.health})` : ''}${c.state === 'exited' ? `, exit ${c.exitCode}` : ''} ---\n${String(logs.all ?? '').trim()}`
    }),
  )
  return parts.join('\n')
}

/**
 * Starts a fresh compose fleet: ports checked free, engine up, base images present, images built,
 * `docker compose up --wait`, endpoints written. Any failure removes what was started.
 */
export async function composeUp(o: ComposeUpOptions): Promise<ComposeUpResult> {
  const started = Date.now()
  const log = (line: string) => o.log(`[+${((Date.now() - started) / 1_000).toFixed(1)}s] ${line}`)
  const durability = o.durability ?? DEFAULT_DURABILITY
  if (o.buildCa && !existsSync(o.buildCa)) throw new FleetError(`--build-ca ${o.buildCa}: no such file`, { exitCode: 2 })
  await assertPortsFree()
  const engine = await ensureEngine(log)
  rmSync(endpointsFile, { force: true })
  try {
    // Fresh data every time, as the native `fleet up`: nothing survives from an earlier run.
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '5'])
    await ensureBaseImages(log)
    const buildStarted = Date.now()
    const build = await compose(['build', '--progress', 'plain'], o.buildCa ? { buildCa: o.buildCa } : {})
    save(buildLog, String(build.all ?? ''))
    if (build.exitCode !== 0) throw new FleetError(`docker compose build failed\n--- last lines of ${buildLog} ---\n${lastLines(String(build.all ?? ''), 25)}`)
    const buildMs = Date.now() - buildStarted
    log(`images built in ${(buildMs / 1000).toFixed(1)} s (log ${buildLog})`)

    const upStarted = Date.now()
    const env = { WAN_SCALE_PCT: String(Math.round(o.wanScale * 100)), POS_DURABILITY: durability }
    const up = await compose(['up', '--detach', '--wait', '--wait-timeout', String(UP_WAIT_TIMEOUT_S)], { ...(o.buildCa ? { buildCa: o.buildCa } : {}), env })
    save(upLog, String(up.all ?? ''))
    if (up.exitCode !== 0) throw new FleetError(`docker compose up did not become healthy (log ${upLog})\n${await unhealthyReport()}`)
    const upMs = Date.now() - upStarted
    log(`every container healthy in ${(upMs / 1000).toFixed(1)} s`)

    const migrateLog = await compose(['logs', '--no-color', '--no-log-prefix', 'migrate'])
    const credentials = credentialsFromMigratorLog(String(migrateLog.all ?? ''))
    const spec = describeEndpoints({
      writer: topology.writer,
      wanScale: o.wanScale,
      dbUrls: (r) => {
        const { read, write } = databaseUrls(r, topology.writer)
        return { read, write }
      },
      gatewayPort: topology.paymentGateway.port,
      toxiproxyPort: topology.toxiproxy.apiPort,
      ...credentials,
    })
    const endpoints: ComposeEndpoints & FleetEndpoints = { ...composeRegions(spec), durability, runtime: 'compose' }
    writeEndpoints(endpointsFile, endpoints)
    return { endpoints, buildMs, upMs, startupMs: Date.now() - started }
  } catch (error) {
    log('start-up failed; removing the compose project')
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '5']).catch(() => undefined)
    if (engine.startedHere) await stopOwnEngine()
    throw error
  }
}

/**
 * The native endpoint shapes, with what differs in containers: each broker is reachable on the
 * compose network only (its advertised listener is the container's name), and admin access to a
 * database is root over its published port (there is no socket on this host).
 */
function composeRegions(spec: Endpoints): Endpoints {
  const byRegion = { ...spec.regions }
  for (const r of regions) {
    const e = byRegion[r.id]
    byRegion[r.id] = {
      ...e,
      kafka: `kafka-${r.id}:${r.ports.kafka}`,
      db: { ...e.db, admin: `mysql://root:${encodeURIComponent(rootPassword())}@127.0.0.1:${r.ports.mariadb}/` },
    }
  }
  return { ...spec, regions: byRegion }
}

/** Removes the project's containers, networks and volumes, then stops dockerd if this tool started it. */
export async function composeDown(o: { readonly log: (line: string) => void }): Promise<void> {
  if (await engineAnswers()) {
    const down = await compose(['down', '--volumes', '--remove-orphans', '--timeout', '10'])
    if (down.exitCode !== 0) throw new FleetError(`docker compose down failed: ${String(down.all ?? '').trim()}`)
    const left = await leftovers()
    const names = [...left.containers, ...left.networks, ...left.volumes]
    if (names.length > 0) throw new FleetError(`docker compose down left ${names.join(', ')} behind`)
    o.log('compose fleet removed: no container, network or volume of the project is left')
  }
  if (existsSync(endpointsFile) && isComposeFleet(readEndpoints(endpointsFile))) rmSync(endpointsFile, { force: true })
  if ((await stopOwnEngine()) === 'stopped') o.log('stopped the dockerd `fleet compose up` had started')
}

/** The compose fleet `endpoints` describes, checked running: every long-running container up and healthy. */
export async function requireRunningComposeFleet(endpoints: ComposeEndpoints): Promise<ComposeEndpoints> {
  const restart = 'stop what is left with `pnpm fleet compose down`, then `pnpm fleet compose up --detach`'
  if (!(await engineAnswers())) throw new FleetError(`the compose fleet is not running (no Docker engine answers): ${restart}`, { exitCode: 2 })
  const all = await containers()
  const down = all.filter((c) => c.state !== 'running' && !(c.state === 'exited' && c.exitCode === 0))
  if (!all.some((c) => c.state === 'running')) throw new FleetError(`the compose fleet is not running (no container of the project runs): ${restart}`, { exitCode: 2 })
  if (down.length > 0) throw new FleetError(`the compose fleet is not running (${down.map((c) => `${c.service} ${c.state}`).join(', ')}): ${restart}`, { exitCode: 2 })
  return endpoints
}

/** The project's containers, for `fleet compose status`. */
export async function composeStatus(): Promise<{ engine: boolean; containers: ContainerState[] }> {
  if (!(await engineAnswers())) return { engine: false, containers: [] }
  return { engine: true, containers: await containers() }
}

/** A container counts as fine when it runs (healthy, if it has a healthcheck) or, an init step, exited 0. */
export function containerOk(c: ContainerState): boolean {
  return (c.state === 'running' && (c.health === '' || c.health === 'healthy')) || (c.state === 'exited' && c.exitCode === 0)
}
