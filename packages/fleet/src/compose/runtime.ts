/** Which runtime the running fleet's endpoints.json describes, and a compose fleet's admin access. */
import { existsSync, readFileSync } from 'node:fs'
import type { RegionId } from '@pos-fleet/topology'
import { type Endpoints, endpointsFile } from '../endpoints.js'

/** endpoints.json of a compose fleet: the native contract, plus which runtime holds the ports. */
export type ComposeEndpoints = Endpoints & { readonly runtime: 'compose' }

export function isComposeFleet(endpoints: Endpoints): endpoints is ComposeEndpoints {
  return (endpoints as Partial<ComposeEndpoints>).runtime === 'compose'
}

/** endpoints.json when it describes a compose fleet; undefined otherwise (native, absent or unreadable). */
export function readComposeEndpoints(): ComposeEndpoints | undefined {
  if (!existsSync(endpointsFile)) return undefined
  try {
    const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as Endpoints
    return isComposeFleet(endpoints) ? endpoints : undefined
  } catch {
    return undefined
  }
}

/** Root's URL for a compose fleet's database (its containers have no socket on this host). */
export function composeAdminUrl(region: RegionId): string | undefined {
  return readComposeEndpoints()?.regions[region].db.admin
}
