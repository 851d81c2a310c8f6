import { existsSync } from 'node:fs'
import { endpointsFile } from '../../packages/fleet/src/endpoints.js'
import { fleetDown, fleetUp } from '../../packages/fleet/src/fleet.js'

/**
 * Brings up the whole native fleet once for the integration suite and tears it down
 * after. POS_FLEET_REUSE=1 reuses a fleet already started with `pnpm fleet up --detach`
 * (handy while iterating; CI always starts a fresh one).
 */
export function fleetForSuite(o: { observe?: boolean } = {}) {
  return async () => {
    if (process.env.POS_FLEET_REUSE === '1' && existsSync(endpointsFile)) return
    const wanScale = Number(process.env.POS_FLEET_WAN_SCALE ?? '1')
    await fleetUp({ wanScale, ...o, log: (line) => process.stderr.write(`[fleet] ${line}\n`) })
    return async () => {
      await fleetDown({ log: (line) => process.stderr.write(`[fleet] ${line}\n`) })
    }
  }
}

export default fleetForSuite()
