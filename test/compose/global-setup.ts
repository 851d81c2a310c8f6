import { existsSync } from 'node:fs'
import { composeDown, composeUp } from '../../packages/fleet/src/compose/compose-fleet.js'

/**
 * Brings up the compose fleet once for the `compose` project, as `pnpm fleet compose up
 * --detach` does, and removes it after (the suite's own last test has removed it already and
 * checked that nothing is left; this teardown covers a run that failed before). Its builds trust
 * the machine's CA bundle — the way through a TLS-intercepting proxy, harmless without one —
 * unless POS_BUILD_CA names another file.
 */
const MACHINE_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

export default async function setup() {
  const log = (line: string) => process.stderr.write(`[compose] ${line}\n`)
  const buildCa = process.env.POS_BUILD_CA ?? (existsSync(MACHINE_CA_BUNDLE) ? MACHINE_CA_BUNDLE : undefined)
  const { buildMs, upMs, startupMs } = await composeUp({ wanScale: 1, ...(buildCa ? { buildCa } : {}), log })
  log(`compose fleet up in ${(startupMs / 1000).toFixed(1)} s (build ${(buildMs / 1000).toFixed(1)} s, up --wait ${(upMs / 1000).toFixed(1)} s)`)
  return async () => {
    await composeDown({ log })
  }
}
