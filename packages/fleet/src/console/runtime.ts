import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { topology } from '@pos-fleet/topology'
import { endpointsFile, readEndpoints } from '../endpoints.js'
import { failoverLockFile } from '../failover/lock.js'
import { processLogPath, repoRoot, stateDir } from '../infra/paths.js'
import { setRegionLinks, wanState } from '../infra/toxiproxy.js'
import { createCollector } from './collector.js'
import { type ConsoleActions, buildConsoleApp } from './server.js'

/** A failover in progress holds its lock file with a live pid (failover/lock.ts). */
function failoverRunning(): string | undefined {
  if (!existsSync(failoverLockFile)) return undefined
  const pid = Number.parseInt(readFileSync(failoverLockFile, 'utf8'), 10)
  try {
    if (Number.isInteger(pid)) process.kill(pid, 0)
    return `a failover is running (pid ${pid})`
  } catch {
    return undefined
  }
}

/** The buttons' effects on the running fleet: toxiproxy for links, `fleet loadtest` for load. */
export function fleetActions(): ConsoleActions {
  let loadTest: Promise<unknown> | undefined
  return {
    setRegionLinks,
    busy: failoverRunning,
    startLoadTest() {
      if (loadTest) return { started: false, detail: 'a load test started from this console is still running' }
      const out = join(stateDir, 'console-loadtests')
      mkdirSync(out, { recursive: true })
      const args = ['loadtest', '--duration', '20s', '--rate', '10', '--warmup', '0', '--baseline', '0', '--out', out]
      loadTest = execa(process.execPath, [join(repoRoot, 'packages', 'fleet', 'dist', 'cli.js'), ...args], {
        cwd: repoRoot,
        stdin: 'ignore',
        stdout: { file: processLogPath('console-loadtest') },
        stderr: { file: processLogPath('console-loadtest') },
        reject: false,
      }).finally(() => (loadTest = undefined))
      return { started: true, detail: `load test started: fleet ${args.join(' ')} (log: ${processLogPath('console-loadtest')})` }
    },
  }
}

/** Serves the console for the running fleet on 127.0.0.1 only; resolves to its URL and a stop function. */
export async function startConsole(o: { port?: number; actions?: ConsoleActions; intervalMs?: number } = {}) {
  const collect = createCollector({ endpoints: () => readEndpoints(endpointsFile), wan: wanState })
  const app = buildConsoleApp({ collect, actions: o.actions ?? fleetActions(), ...(o.intervalMs ? { intervalMs: o.intervalMs } : {}) })
  const address = await app.listen({ host: '127.0.0.1', port: o.port ?? topology.observability.ports.console })
  return { url: address, stop: () => app.close() }
}
