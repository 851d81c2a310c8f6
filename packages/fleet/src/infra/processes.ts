import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Result, execa } from 'execa'
import pRetry from 'p-retry'
import { messageOf } from '../errors.js'
import { processLogPath, processesFile } from './paths.js'
import { describePortHolder } from './port-holders.js'

/** A long-running child recorded in .pos-fleet/processes.json, so another `fleet` process can stop it. */
export interface TrackedProcess {
  readonly name: string
  readonly pid: number
  /** Each child leads its own process group, so signals reach anything it forks too. */
  readonly pgid: number
  readonly ports: readonly number[]
  readonly log: string
  /** Kernel start time of the pid (Linux): tells our process apart from a later one reusing the pid. */
  readonly startTicks?: string
}

export interface ExitStatus {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A process started by this Node process; only its starter can observe the exit. */
export interface RunningProcess extends TrackedProcess {
  readonly exited: Promise<ExitStatus>
}

export interface StartProcessOptions {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  /** Ports the process will listen on: checked free before the start, verified free after a stop. */
  readonly ports: readonly number[]
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Once aborted (a failed start-up is cleaning up), the process is not started any more. */
  readonly signal?: AbortSignal
  /** Where it is recorded: the native fleet's registry unless another runtime keeps its own. */
  readonly registry?: string
  /** @default .pos-fleet/logs/<name>.log */
  readonly log?: string
}

const LOOPBACK = '127.0.0.1'
const hasProcFs = existsSync('/proc/self/stat')

export function listProcesses(registry: string = processesFile): TrackedProcess[] {
  if (!existsSync(registry)) return []
  try {
    return JSON.parse(readFileSync(registry, 'utf8')) as TrackedProcess[]
  } catch (error) {
    throw new Error(`cannot read ${registry} (delete it if no fleet is running): ${messageOf(error)}`)
  }
}

/** Rename over the old file, so a concurrent reader or a crash never sees half a registry. */
function writeProcesses(list: readonly TrackedProcess[], registry: string = processesFile): void {
  mkdirSync(dirname(registry), { recursive: true })
  const temp = `${registry}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(list, null, 2)}\n`)
  renameSync(temp, registry)
}

/**
 * Starts `command` detached in its own process group with stdout/stderr in
 * .pos-fleet/logs/<name>.log, and records it. Fails at once, naming the port, if a port
 * it needs is taken — typically by a fleet that is still running.
 */
export async function startProcess(options: StartProcessOptions): Promise<RunningProcess> {
  const registry = options.registry ?? processesFile
  await assertPortsFree(options.ports, options.name, registry)
  options.signal?.throwIfAborted()
  const log = options.log ?? processLogPath(options.name)
  mkdirSync(dirname(log), { recursive: true })
  const fd = openSync(log, 'w')
  let child: ChildProcess
  try {
    // node:child_process rather than execa: the child must outlive this process (`fleet up
    // --detach` returns), so it writes its log itself through one inherited descriptor, and
    // nothing of execa's supervision (piping, cleanup on exit, result) applies.
    // detached: the child leads a new session and process group, so signals reach anything it forks.
    child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] })
  } finally {
    closeSync(fd)
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (error) => reject(new Error(`cannot start ${options.name} (${options.command}): ${error.message}`, { cause: error })))
  })
  const pid = child.pid as number
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  // Lets `fleet up --detach` exit while the child keeps running.
  child.unref()
  const startTicks = readStartTicks(pid)
  const tracked: TrackedProcess = { name: options.name, pid, pgid: pid, ports: options.ports, log, ...(startTicks ? { startTicks } : {}) }
  writeProcesses([...listProcesses(registry).filter((p) => p.name !== options.name), tracked], registry)
  return { ...tracked, exited }
}

function exitStatus(result: Result): ExitStatus {
  return { code: result.exitCode ?? null, signal: (result.signal as NodeJS.Signals | undefined) ?? null }
}

/**
 * Runs a short-lived command to completion with its interleaved output saved to `log`; throws
 * with the output's tail on failure, so the cause is visible without opening the file.
 */
export async function runCommand(
  what: string,
  command: string,
  args: readonly string[],
  options: { readonly log: string; readonly env?: NodeJS.ProcessEnv; readonly cwd?: string },
): Promise<void> {
  mkdirSync(dirname(options.log), { recursive: true })
  const result = await execa(command, args, { cwd: options.cwd, env: options.env ?? process.env, extendEnv: false, stdin: 'ignore', all: true, reject: false })
  writeFileSync(options.log, result.all ?? '')
  // Neither an exit code nor a signal: the command never ran (not found, not executable).
  if (result.exitCode === undefined && result.signal === undefined) throw new Error(`cannot run ${what} (${command}): ${result.shortMessage}`, { cause: result.cause })
  if (result.exitCode !== 0) {
    throw new Error(`${what} failed (${describeExit(exitStatus(result))})\n--- last lines of ${options.log} ---\n${lastLines(result.all ?? '', 15)}`)
  }
}

/**
 * Waits for `probe` while watching the process: if it exits first, or the probe gives up,
 * the error carries the tail of its log so the cause is visible without opening files.
 */
export async function untilReady<T>(proc: RunningProcess, probe: (signal: AbortSignal) => Promise<T>, extraLog?: string): Promise<T> {
  const controller = new AbortController()
  const probing = probe(controller.signal)
  let outcome: { value: T } | { status: ExitStatus }
  try {
    outcome = await Promise.race([probing.then((value) => ({ value })), proc.exited.then((status) => ({ status }))])
  } catch (error) {
    throw new Error(`${proc.name} did not become ready: ${messageOf(error)}${logTails(proc.log, extraLog)}`, { cause: error })
  }
  if ('value' in outcome) return outcome.value
  controller.abort()
  probing.catch(() => undefined)
  throw new Error(`${proc.name} exited (${describeExit(outcome.status)}) before it was ready${logTails(proc.log, extraLog)}`)
}

export interface StopOptions {
  /** @default the native fleet's registry */
  readonly registry?: string
  /** Only these of the recorded processes (the rest stay recorded and running). */
  readonly only?: (p: TrackedProcess) => boolean
}

/**
 * Stops every recorded process: SIGTERM to each group, up to `graceMs` for them to exit,
 * then SIGKILL; finally checks that each recorded port is free again.
 */
export async function stopAll(graceMs = 10_000, options: StopOptions = {}): Promise<void> {
  const registry = options.registry ?? processesFile
  const tracked = listProcesses(registry).filter(options.only ?? (() => true))
  const ours = tracked.filter(isRunning)
  for (const p of ours) signalGroup(p.pgid, 'SIGTERM')
  let remaining = await waitForExit(ours, graceMs)
  for (const p of remaining) signalGroup(p.pgid, 'SIGKILL')
  remaining = await waitForExit(remaining, 5_000)
  // Re-read: a start still in flight (a failed `up` cleaning up) may have recorded more since.
  writeProcesses(
    listProcesses(registry).filter((p) => remaining.some((r) => r.pid === p.pid) || !tracked.some((t) => t.pid === p.pid)),
    registry,
  )
  if (remaining.length > 0) {
    throw new Error(`could not stop ${remaining.map((p) => `${p.name} (pgid ${p.pgid})`).join(', ')} even with SIGKILL`)
  }
  const held: string[] = []
  for (const p of tracked) {
    for (const port of p.ports) {
      try {
        await retryUntil(`port ${port} to be released`, 5_000, () => assertPortsFree([port], p.name, registry))
      } catch {
        held.push(`${port} (${p.name})`)
      }
    }
  }
  if (held.length > 0) throw new Error(`processes stopped but port(s) still in use: ${held.join(', ')}`)
}

/**
 * Stops one recorded process for good — SIGTERM to its group, SIGKILL after `graceMs` — and
 * drops it from the registry: a helper process a test started and stopped is no fleet
 * process, and the running-fleet guard would otherwise count it as one that died.
 */
export async function stopProcess(name: string, graceMs = 10_000): Promise<void> {
  const p = listProcesses().find((t) => t.name === name)
  if (p && isRunning(p)) {
    signalGroup(p.pgid, 'SIGTERM')
    if ((await waitForExit([p], graceMs)).length > 0) {
      signalGroup(p.pgid, 'SIGKILL')
      if ((await waitForExit([p], 5_000)).length > 0) throw new Error(`could not stop ${name} (pgid ${p.pgid}) even with SIGKILL`)
    }
  }
  writeProcesses(listProcesses().filter((t) => t.name !== name))
}

/** Whether the recorded process (group) still runs, and is ours rather than a reused pid. */
export function isRunning(p: TrackedProcess): boolean {
  if (!hasProcFs) return signalGroup(p.pgid, 0)
  if (!hasLiveMember(p.pgid)) return false
  // While any member of a group lives, the kernel does not hand its id out again; so a leader
  // with another start time means the group is gone and the pid now names someone else's.
  const ticks = readStartTicks(p.pid)
  return ticks === undefined || p.startTicks === undefined || ticks === p.startTicks
}

export async function waitForExit(list: readonly TrackedProcess[], timeoutMs: number): Promise<TrackedProcess[]> {
  const deadline = Date.now() + timeoutMs
  let remaining = list.filter(isRunning)
  while (remaining.length > 0 && Date.now() < deadline) {
    await sleep(100)
    remaining = remaining.filter(isRunning)
  }
  return remaining
}

/** Sends `signal` to the group; false if the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

/** Fields of /proc/<pid>/stat after the parenthesised command name (which may contain spaces). */
function procStat(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

export function readStartTicks(pid: number): string | undefined {
  return procStat(pid)?.[19]
}

/** Zombies do not count: a child reparented to an init that never reaps stays one forever. */
function hasLiveMember(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const fields = procStat(entry)
    if (fields && fields[2] === String(pgid) && fields[0] !== 'Z') return true
  }
  return false
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(false)
      else reject(new Error(`cannot probe port ${port}: ${error.message}`))
    })
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** Throws, naming each port and what holds it (a process in `registry`, a container, a program), unless all are free. */
export async function assertPortsFree(ports: readonly number[], owner: string, registry: string = processesFile): Promise<void> {
  const taken: number[] = []
  for (const port of ports) if (!(await isPortFree(port))) taken.push(port)
  if (taken.length === 0) return
  const holders = listProcesses(registry).filter(isRunning)
  const holderOf = registry === processesFile ? 'the native fleet' : 'a process recorded in ' + registry
  const described = await Promise.all(taken.map(async (port) => `port ${port} already in use, held by ${await describePortHolder(port, holders, holderOf)}`))
  throw new PortsInUseError(`cannot start ${owner}: ${described.join('; ')}`)
}

/** Ports a fleet needs are taken: nothing of this fleet was started. */
export class PortsInUseError extends Error {
  override readonly name = 'PortsInUseError'
}

/**
 * p-retry gives up at once on a TypeError, taking it for a bug; a start-up wait retries whatever
 * its probe throws until the deadline (a driver may throw one while its server is coming up),
 * so a TypeError travels wrapped in this and is unwrapped at the end.
 */
class RetriedTypeError extends Error {}

/** Retries `attempt` every `intervalMs` until it resolves; after `timeoutMs` throws with its last error as the cause. */
export async function retryUntil<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T>,
  options: { readonly intervalMs?: number; readonly signal?: AbortSignal } = {},
): Promise<T> {
  const attemptAny = async () => {
    try {
      return await attempt()
    } catch (error) {
      throw error instanceof TypeError ? new RetriedTypeError(error.message, { cause: error }) : error
    }
  }
  try {
    return await pRetry(attemptAny, {
      retries: Number.POSITIVE_INFINITY,
      factor: 1,
      minTimeout: options.intervalMs ?? 100,
      randomize: false,
      maxRetryTime: timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (error) {
    if (options.signal?.aborted) throw error
    const last = error instanceof RetriedTypeError ? error.cause : error
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${messageOf(last)}`, { cause: last })
  }
}

export async function waitForTcp(port: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  await retryUntil(`${LOOPBACK}:${port} to accept connections`, timeoutMs, () => tcpProbe(port), signal ? { signal } : {})
}

export async function waitForHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  await retryUntil(
    `${url} to answer`,
    timeoutMs,
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      await response.body?.cancel()
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
    },
    signal ? { signal } : {},
  )
}

function tcpProbe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: LOOPBACK })
    socket.setTimeout(1_000, () => socket.destroy(new Error('connect timed out')))
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
    socket.once('error', reject)
  })
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`
}

function logTails(...paths: (string | undefined)[]): string {
  return paths
    .filter((path): path is string => path !== undefined)
    .map((path) => `\n--- last lines of ${path} ---\n${tailFile(path, 15)}`)
    .join('')
}

/**
 * The last `lines` lines of a log a detached process writes itself, reading only the file's
 * end (broker logs grow large); execa cannot help here, the output never passes through us.
 */
function tailFile(path: string, lines: number): string {
  if (!existsSync(path)) return '(no such file)'
  const size = statSync(path).size
  const length = Math.min(size, 16_384)
  const buffer = Buffer.alloc(length)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, buffer, 0, length, size - length)
  } finally {
    closeSync(fd)
  }
  return lastLines(buffer.toString('utf8'), lines)
}

export function lastLines(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

export { messageOf } from '../errors.js'
