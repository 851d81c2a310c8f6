import { isRunning, listProcesses } from '../../packages/fleet/src/infra/processes.js'
import { gitopsProcessesFile } from '../../packages/fleet/src/gitops/paths.js'
import { fleetCli } from './gitops.js'

const say = (text: string) => process.stderr.write(text.replace(/^/gm, '[gitops] '))

/**
 * `fleet gitops up` once for the gitops project and `fleet gitops down` after it — the commands
 * a user runs. The teardown fails the run if down left any recorded process alive.
 */
export default async function setup() {
  const up = await fleetCli(['gitops', 'up'])
  say(`${up.stdout}\n${up.stderr}\n`)
  if (up.exitCode !== 0) {
    await fleetCli(['gitops', 'down'])
    throw new Error(`fleet gitops up exited ${up.exitCode}:\n${up.stderr}`)
  }
  return async () => {
    const recorded = listProcesses(gitopsProcessesFile)
    const down = await fleetCli(['gitops', 'down'])
    say(`${down.stdout}\n${down.stderr}\n`)
    const alive = recorded.filter(isRunning)
    if (down.exitCode !== 0 || alive.length > 0) {
      throw new Error(`fleet gitops down exited ${down.exitCode}; still running: ${alive.map((p) => `${p.name} (pid ${p.pid})`).join(', ') || 'nothing'}\n${down.stderr}`)
    }
  }
}
