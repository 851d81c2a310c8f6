/**
 * How one runtime names the processes of the topology. Every runtime listens on the topology's
 * own port numbers; only host names differ (natively 127.0.0.1, in compose the container), so a
 * fact rendered with an Addressing is the same fact in every runtime.
 */
import type { RegionId } from './regions.js'

/** The processes other processes connect to by host name. */
export type AddressedService = 'mariadb' | 'kafka'

export interface Addressing {
  /** The address a listening process binds to. */
  readonly bindHost: string
  /** The host under which a region's `service` is reached. */
  host(service: AddressedService, region: RegionId): string
  /** The host of the WAN emulation's proxies (toxiproxy). */
  readonly wanHost: string
  /** The host of the sandbox payment gateway. */
  readonly gatewayHost: string
}

const LOOPBACK = '127.0.0.1'

/** The native runner: every process on this machine's loopback interface. */
export const loopbackAddressing: Addressing = {
  bindHost: LOOPBACK,
  host: () => LOOPBACK,
  wanHost: LOOPBACK,
  gatewayHost: LOOPBACK,
}
