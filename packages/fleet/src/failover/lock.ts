import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { FleetError } from '../errors.js'
import { stateDir } from '../infra/paths.js'

export const failoverLockFile = join(stateDir, 'failover.lock')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One writer change at a time: the lock file is created exclusively (O_EXCL) with this
 * process's pid. A second failover finds it and is refused (exit 2); a lock left by a
 * process that died is taken over, since nobody holds it any more.
 */
export function acquireFailoverLock(): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(failoverLockFile, 'wx', 0o600)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      return () => rmSync(failoverLockFile, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(readFileSync(failoverLockFile, 'utf8'), 10)
      if (Number.isInteger(holder) && alive(holder)) {
        throw new FleetError(`another failover is running (pid ${holder}, ${failoverLockFile}): nothing changed`, { exitCode: 2 })
      }
      rmSync(failoverLockFile, { force: true })
    }
  }
  throw new FleetError(`cannot take ${failoverLockFile}: nothing changed`, { exitCode: 2 })
}
