/** The GitOps control plane the global setup started (`fleet gitops up`), and the CLI that drives it. */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../packages/fleet/src/infra/paths.js'
import { getJson, kubectl } from '../../packages/fleet/src/gitops/kubectl.js'

export { applicationSetErrors, applicationStates } from '../../packages/fleet/src/gitops/applications.js'
export { writerWorkloads } from '../../packages/fleet/src/gitops/flip.js'
export { eventually } from './eventually.js'
export { managementCluster as management, regionalCluster as regional } from '../../packages/fleet/src/gitops/lifecycle.js'
export { getJson, kubectl }

/** `pnpm fleet <args>` as a user runs it (the built CLI), with its exit code and output. */
export async function fleetCli(args: readonly string[]): Promise<{ readonly exitCode: number; readonly stdout: string; readonly stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'packages/fleet/dist/cli.js'), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ exitCode: code, stdout, stderr })
    })
  })
}
