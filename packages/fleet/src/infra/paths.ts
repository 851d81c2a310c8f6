import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RegionId } from '@pos-fleet/topology'
import { KAFKA_VERSION } from '@pos-fleet/topology/kafka'

/** The nearest ancestor holding pnpm-workspace.yaml, so this works from src/ (tsx) and dist/ alike. */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}: cannot locate the repo root`)
  }
}

export const repoRoot = findRepoRoot()

/** Tools built or fetched by scripts/bootstrap.sh; POS_FLEET_CACHE overrides it there and here. */
export const cacheDir = resolve(process.env.POS_FLEET_CACHE ?? join(repoRoot, '.cache'))
export const binDir = join(cacheDir, 'bin')
export const kafkaLibsDir = join(cacheDir, 'kafka', KAFKA_VERSION, 'libs')
export const toxiproxyServerBin = join(binDir, 'toxiproxy-server')

/**
 * Runtime state of the native fleet; gitignored, and regions/ is wiped by every `fleet up`.
 * POS_FLEET_STATE_DIR moves it (unit tests use a temporary one, never a running fleet's).
 */
export const stateDir = resolve(process.env.POS_FLEET_STATE_DIR ?? join(repoRoot, '.pos-fleet'))
export const logsDir = join(stateDir, 'logs')
export const processesFile = join(stateDir, 'processes.json')
export const regionsDir = join(stateDir, 'regions')

export interface RegionPaths {
  readonly root: string
  readonly logs: string
  readonly mariadb: {
    readonly root: string
    readonly config: string
    readonly data: string
    readonly tmp: string
    readonly run: string
    readonly socket: string
    readonly pidFile: string
  }
  readonly kafka: {
    readonly root: string
    readonly config: string
    readonly log4jConfig: string
    readonly data: string
    /** The broker's own log (log4j); its stdout/stderr go to the process log under logsDir. */
    readonly serverLog: string
  }
}

export function regionPaths(region: RegionId): RegionPaths {
  const root = join(regionsDir, region)
  const logs = join(root, 'logs')
  const mariadb = join(root, 'mariadb')
  const kafka = join(root, 'kafka')
  return {
    root,
    logs,
    mariadb: {
      root: mariadb,
      config: join(mariadb, 'my.cnf'),
      data: join(mariadb, 'data'),
      tmp: join(mariadb, 'tmp'),
      run: join(mariadb, 'run'),
      socket: join(mariadb, 'run', 'mariadb.sock'),
      pidFile: join(mariadb, 'run', 'mariadb.pid'),
    },
    kafka: {
      root: kafka,
      config: join(kafka, 'server.properties'),
      log4jConfig: join(kafka, 'log4j.properties'),
      data: join(kafka, 'data'),
      serverLog: join(logs, 'kafka-server.log'),
    },
  }
}

/** The stdout/stderr log of a tracked process. */
export function processLogPath(name: string): string {
  return join(logsDir, `${name}.log`)
}

/** Debian installs mariadbd in /usr/sbin, which a regular user's PATH lacks: look there too. */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin']

/** The absolute path of an executable on PATH (or in the sbin folders), or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_DIRS]) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK)
        return candidate
      }
    } catch {
      // not here (or not executable): keep looking
    }
  }
  return undefined
}

export function requireExecutable(name: string): string {
  const found = findExecutable(name)
  if (!found) throw new Error(`${name} not found on PATH or in ${SYSTEM_DIRS.join(', ')}: run scripts/bootstrap.sh`)
  return found
}
