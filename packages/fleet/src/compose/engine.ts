/**
 * The Docker engine a compose fleet runs on: whichever daemon answers (Docker Desktop, a system
 * service), else Debian's dockerd started here — detached, its PID recorded in
 * .pos-fleet/compose/dockerd.json — and stopped again only by the `down` that finds that record.
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { execa } from 'execa'
import { FleetError } from '../errors.js'
import { findExecutable, stateDir } from '../infra/paths.js'
import { type TrackedProcess, isRunning, lastLines, readStartTicks, signalGroup, waitForExit } from '../infra/processes.js'

export const composeStateDir = join(stateDir, 'compose')
const recordFile = join(composeStateDir, 'dockerd.json')
export const dockerdLog = join(composeStateDir, 'dockerd.log')
const READY_TIMEOUT_MS = 30_000
/** dockerd stops its containers and its containerd first; measured here at about 3 s. */
const STOP_GRACE_MS = 30_000

export async function engineAnswers(): Promise<boolean> {
  const run = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 10_000 })
  return run.exitCode === 0
}

function recordedDockerd(): TrackedProcess | undefined {
  if (!existsSync(recordFile)) return undefined
  return JSON.parse(readFileSync(recordFile, 'utf8')) as TrackedProcess
}

/** The engine is usable afterwards; `startedHere` says whether this call started dockerd. */
export async function ensureEngine(log: (line: string) => void): Promise<{ startedHere: boolean }> {
  if (!findExecutable('docker')) throw new FleetError('the docker CLI is not installed: run ./fleet once (scripts/bootstrap.sh installs Docker), or install Docker Desktop', { exitCode: 2 })
  if (await engineAnswers()) return { startedHere: false }
  const dockerd = findExecutable('dockerd')
  if (!dockerd) throw new FleetError('no Docker engine answers and dockerd is not installed: run ./fleet once (scripts/bootstrap.sh installs docker.io), or start Docker Desktop', { exitCode: 2 })
  mkdirSync(composeStateDir, { recursive: true })
  const fd = openSync(dockerdLog, 'w')
  const child = spawn(dockerd, ['--storage-driver=overlay2'], { detached: true, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', reject)
  })
  child.unref()
  const pid = child.pid as number
  const startTicks = readStartTicks(pid)
  const record: TrackedProcess = { name: 'dockerd', pid, pgid: pid, ports: [], log: dockerdLog, ...(startTicks ? { startTicks } : {}) }
  writeFileSync(recordFile, `${JSON.stringify(record)}\n`)
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (await engineAnswers()) {
      log(`started dockerd (pid ${pid}; log ${dockerdLog}); \`pnpm fleet compose down\` stops it again`)
      return { startedHere: true }
    }
    if (!isRunning(record)) break
    await sleep(250)
  }
  const why = isRunning(record) ? `did not answer within ${READY_TIMEOUT_MS / 1000} s` : 'exited before it answered'
  await stopOwnEngine()
  const tail = existsSync(dockerdLog) ? lastLines(readFileSync(dockerdLog, 'utf8'), 15) : '(no log)'
  throw new FleetError(`dockerd ${why}; nothing is left running\n--- last lines of ${dockerdLog} ---\n${tail}`)
}

/** Stops the dockerd this tool started, if any; a daemon someone else runs is left alone. */
export async function stopOwnEngine(): Promise<'stopped' | 'not ours'> {
  const record = recordedDockerd()
  if (!record) return 'not ours'
  if (isRunning(record)) {
    signalGroup(record.pgid, 'SIGTERM')
    if ((await waitForExit([record], STOP_GRACE_MS)).length > 0) {
      signalGroup(record.pgid, 'SIGKILL')
      await waitForExit([record], 5_000)
    }
  }
  rmSync(recordFile, { force: true })
  return 'stopped'
}
