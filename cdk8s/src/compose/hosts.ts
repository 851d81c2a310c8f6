/**
 * Container names of the compose demo, as the spec's Addressing: every container listens on the
 * topology's own port numbers, so only host names differ from the native runner.
 */
import type { Addressing } from '@pos-fleet/topology'
import type { RegionId } from '@pos-fleet/topology'

export const TOXIPROXY_HOST = 'toxiproxy'
export const GATEWAY_HOST = 'payment-gateway-sandbox'

export const mariadbHost = (r: RegionId) => `mariadb-${r}`
export const kafkaHost = (r: RegionId) => `kafka-${r}`

export const composeAddressing: Addressing = {
  bindHost: '0.0.0.0',
  host: (service, region) => (service === 'mariadb' ? mariadbHost(region) : kafkaHost(region)),
  wanHost: TOXIPROXY_HOST,
  gatewayHost: GATEWAY_HOST,
}
