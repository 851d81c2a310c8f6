/**
 * Container names of the compose demo, and the rewrite from the native runner's loopback
 * addresses to them. Every container listens on the topology's own port numbers, so a
 * native `127.0.0.1:<port>` becomes `<container>:<port>` and nothing else changes.
 */
import { type RegionId, regions, topology, wanLinks } from '@pos-fleet/topology'

export const TOXIPROXY_HOST = 'toxiproxy'
export const GATEWAY_HOST = 'payment-gateway-sandbox'
export const OTEL_HOST = 'otel-collector'

export const mariadbHost = (r: RegionId) => `mariadb-${r}`
export const kafkaHost = (r: RegionId) => `kafka-${r}`

/** Which container serves each topology port. */
export function hostByPort(): ReadonlyMap<number, string> {
  const map = new Map<number, string>()
  for (const r of regions) {
    map.set(r.ports.mariadb, mariadbHost(r.id))
    map.set(r.ports.kafka, kafkaHost(r.id))
    map.set(r.ports.storefront, `storefront-${r.id}`)
    map.set(r.ports.inventoryDelta, `inventory-delta-${r.id}`)
    map.set(r.ports.paymentsWorker, `payments-worker-${r.id}`)
  }
  for (const l of wanLinks()) map.set(l.listenPort, TOXIPROXY_HOST)
  map.set(topology.paymentGateway.port, GATEWAY_HOST)
  map.set(topology.toxiproxy.apiPort, TOXIPROXY_HOST)
  return map
}

/** Rewrites every 127.0.0.1:<port> in a native value to the container that serves that port. */
export function toContainerAddresses(value: string): string {
  const hosts = hostByPort()
  return value.replace(/127\.0\.0\.1:(\d+)/g, (match, port: string) => {
    const host = hosts.get(Number(port))
    if (!host) throw new Error(`no compose container serves port ${port} (in ${match})`)
    return `${host}:${port}`
  })
}
