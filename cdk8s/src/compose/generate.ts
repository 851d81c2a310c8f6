/**
 * docker-compose.yml for the three-region demo, rendered from the deployment spec
 * (packages/topology) with the compose containers' addressing: the same regions, writer, ports,
 * WAN links, service launches, database URLs, MariaDB and Kafka settings as the native runner.
 */
import { dirname } from 'node:path'
import { type RegionId, type RegionSpec, globalProxies, regions, topology } from '@pos-fleet/topology'
import { databaseUrls } from '@pos-fleet/topology/database'
import { KAFKA_JVM_FLAGS } from '@pos-fleet/topology/kafka'
import { DEFAULT_DURABILITY } from '@pos-fleet/topology/durability'
import { mariadbServerSettings } from '@pos-fleet/topology/mariadb-settings'
import { SERVICE_NODE_ARGS, serviceLaunches } from '@pos-fleet/topology/services'
import { TOXIPROXY_HOST, composeAddressing, kafkaHost, mariadbHost } from './hosts.js'
import { BUILD_CA_FILE, BUILD_CA_SECRET, IMAGES, type ImageBuild } from './images.js'
import { KAFKA_DATA, kafkaPropertiesPath, mariadbFlags } from './scripts.js'

type Service = Record<string, unknown>

export const COMPOSE_PROJECT = 'pos-fleet'
const GENERATED = './deploy/compose/generated'
const INIT = '/init'
const LOOPBACK_PUBLISH = '127.0.0.1'
const GATEWAY_LEDGER = '/var/lib/pos-fleet/gateway/ledger.jsonl'
/** The demo root password of the compose MariaDB containers; override with POS_DB_ROOT_PASSWORD. */
const ROOT_PASSWORD = '${POS_DB_ROOT_PASSWORD:-pos-root-local-demo}'
/** The uid/gid deploy/images/mariadb.Dockerfile gives `mysql`, which owns the socket's tmpfs. */
const MYSQL_UID = 999

/**
 * The spec's MariaDB settings (one list for both runtimes), listening on the compose network:
 * the async ones; mariadb-start.sh adds the POS_DURABILITY mode's own at start.
 */
export function mariadbArgs(r: RegionSpec, writer: RegionId): string[] {
  const [port, ...rest] = mariadbServerSettings(r.id, writer, 'async')
  return mariadbFlags([port!, ['bind-address', composeAddressing.bindHost], ...rest])
}

/** A deterministic KRaft cluster id per region (22 characters of URL-safe base64, as `random-uuid` prints). */
function clusterId(r: RegionSpec): string {
  return Buffer.from(`pos-fleet-${r.id}`.padEnd(16, '-').slice(0, 16)).toString('base64url')
}

const publish = (port: number) => `${LOOPBACK_PUBLISH}:${port}:${port}`
const healthy = { condition: 'service_healthy' }
const completed = { condition: 'service_completed_successfully' }

function httpHealthcheck(port: number, path: string) {
  return {
    test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    interval: '5s',
    timeout: '3s',
    retries: 30,
    start_period: '10s',
  }
}

/**
 * What every container gets: an init process as PID 1 (signals reach the server, `down` takes a
 * second), a read-only root with a private /tmp, no capabilities, no privilege escalation, and
 * a memory ceiling so the demo cannot take a laptop down.
 */
function hardened(image: ImageBuild, memory: string, extra: Service): Service {
  return {
    image: image.image,
    init: true,
    read_only: true,
    tmpfs: ['/tmp'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    deploy: { resources: { limits: { memory } } },
    ...extra,
  }
}

/** Our services: the image's non-root user, bounded CPU and memory. */
function appService(workingDir: string, extra: Service): Service {
  return hardened(IMAGES.app, '384M', {
    working_dir: `/app/${workingDir}`,
    user: '1000:1000',
    deploy: { resources: { limits: { cpus: '1', memory: '384M' }, reservations: { cpus: '0.1', memory: '128M' } } },
    ...extra,
  })
}

/**
 * Each image is built once, by the first service that runs it (`pull_policy: build`: never
 * looked up in a registry); every other service of that image uses the built one (`never`).
 */
function attachBuilds(services: Record<string, Service>): void {
  const built = new Set<string>()
  const builds = new Map<string, ImageBuild>(Object.values(IMAGES).map((b) => [b.image, b]))
  for (const service of Object.values(services)) {
    const image = builds.get(service.image as string)
    if (!image) throw new Error(`no Dockerfile builds ${String(service.image)}`)
    if (built.has(image.image)) {
      service.pull_policy = 'never'
      continue
    }
    built.add(image.image)
    service.build = { context: '.', dockerfile: image.dockerfile, secrets: [BUILD_CA_SECRET] }
    service.pull_policy = 'build'
  }
}

export function composeDocument(writer: RegionId = topology.writer): Record<string, unknown> {
  const services: Record<string, Service> = {}
  const volumes: Record<string, Record<string, never>> = {}
  const init = `${GENERATED}:${INIT}:ro`

  services[TOXIPROXY_HOST] = hardened(IMAGES.toxiproxy, '128M', {
    command: ['-host=0.0.0.0', `-port=${topology.toxiproxy.apiPort}`],
    // The API (drills cut links through it) and each region's global write proxy, as natively.
    ports: [publish(topology.toxiproxy.apiPort), ...globalProxies().map((p) => publish(p.listenPort))],
    healthcheck: { test: ['CMD', 'toxiproxy-cli', '-h', `http://127.0.0.1:${topology.toxiproxy.apiPort}`, 'list'], interval: '2s', timeout: '2s', retries: 30 },
  })
  services['wan-init'] = hardened(IMAGES.toxiproxy, '64M', {
    entrypoint: ['sh', `${INIT}/wan-init.sh`],
    environment: { WAN_SCALE_PCT: '${WAN_SCALE_PCT:-100}' },
    volumes: [init],
    depends_on: { [TOXIPROXY_HOST]: healthy },
  })

  for (const r of regions) {
    volumes[`${mariadbHost(r.id)}-data`] = {}
    services[mariadbHost(r.id)] = hardened(IMAGES.mariadb, '512M', {
      entrypoint: ['sh', `${INIT}/mariadb-start.sh`],
      command: mariadbArgs(r, writer),
      environment: { MARIADB_ROOT_PASSWORD: ROOT_PASSWORD, POS_DURABILITY: `\${POS_DURABILITY:-${DEFAULT_DURABILITY}}` },
      ports: [publish(r.ports.mariadb)],
      tmpfs: ['/tmp', `/run/mysqld:uid=${MYSQL_UID},gid=${MYSQL_UID}`],
      volumes: [`${mariadbHost(r.id)}-data:/var/lib/mysql`, init],
      // As root over TCP: healthy once the server serves logins, its root account included.
      healthcheck: {
        test: ['CMD-SHELL', `mariadb-admin ping -h 127.0.0.1 -P ${r.ports.mariadb} -uroot -p"$$MARIADB_ROOT_PASSWORD" --silent`],
        interval: '2s',
        timeout: '3s',
        retries: 60,
      },
    })
    volumes[`${kafkaHost(r.id)}-data`] = {}
    services[kafkaHost(r.id)] = hardened(IMAGES.kafka, '640M', {
      command: [`${INIT}/${kafkaPropertiesPath(r.id).split('/').pop()}`],
      environment: { CLUSTER_ID: clusterId(r), KAFKA_JVM_OPTS: KAFKA_JVM_FLAGS.join(' ') },
      volumes: [`${kafkaHost(r.id)}-data:${KAFKA_DATA}`, init],
      healthcheck: { test: ['CMD', 'kafka-ready.sh', String(r.ports.kafka)], interval: '2s', timeout: '3s', retries: 60, start_period: '5s' },
    })
  }

  services['db-init'] = hardened(IMAGES.mariadb, '64M', {
    entrypoint: ['bash', `${INIT}/db-init.sh`],
    environment: { MARIADB_ROOT_PASSWORD: ROOT_PASSWORD },
    volumes: [init],
    depends_on: { ...Object.fromEntries(regions.map((r) => [mariadbHost(r.id), healthy])), 'wan-init': completed },
  })
  services['kafka-init'] = hardened(IMAGES.kafka, '256M', {
    entrypoint: ['sh', `${INIT}/kafka-init.sh`],
    volumes: [init],
    depends_on: Object.fromEntries(regions.map((r) => [kafkaHost(r.id), healthy])),
  })
  services.migrate = appService('migrator', {
    command: ['node', '--enable-source-maps', 'dist/main.js', '--seed-demo'],
    environment: { NODE_ENV: 'production', DB_MIGRATE_URL: databaseUrls(writer, writer, composeAddressing).migrate },
    depends_on: { 'db-init': completed },
  })

  // The spec's launches, service for service: the same processes, ports and environment as natively.
  for (const launch of serviceLaunches({ writer, addressing: composeAddressing, logLevel: 'info', gatewayLedgerPath: GATEWAY_LEDGER })) {
    const region = launch.region
    const isGateway = launch.service === 'payment-gateway-sandbox'
    if (isGateway) volumes['gateway-ledger'] = {}
    const dependsOn: Record<string, unknown> = {}
    // Every region writes through its global proxy on toxiproxy, the writer's own region too.
    if (region) {
      Object.assign(dependsOn, {
        migrate: completed,
        [mariadbHost(region)]: healthy,
        'kafka-init': completed,
        [kafkaHost(region)]: healthy,
        [TOXIPROXY_HOST]: healthy,
        'wan-init': completed,
      })
    }
    if (launch.env.GATEWAY_URL) dependsOn[composeAddressing.gatewayHost] = healthy
    services[launch.name] = appService(launch.service, {
      command: ['node', ...SERVICE_NODE_ARGS],
      environment: { ...launch.env, NODE_ENV: 'production' },
      ports: [publish(launch.port)],
      ...(isGateway ? { volumes: [`gateway-ledger:${dirname(GATEWAY_LEDGER)}`] } : {}),
      healthcheck: httpHealthcheck(launch.port, launch.readinessPath),
      ...(Object.keys(dependsOn).length ? { depends_on: dependsOn } : {}),
      restart: 'unless-stopped',
    })
  }

  attachBuilds(services)
  return { name: COMPOSE_PROJECT, services, volumes, secrets: { [BUILD_CA_SECRET]: { file: BUILD_CA_FILE } } }
}

/** Host ports the demo publishes (all on 127.0.0.1), for the README and the tests. */
export function publishedPorts(document: Record<string, unknown>): Array<{ service: string; port: number }> {
  const services = document.services as Record<string, Service>
  return Object.entries(services).flatMap(([service, s]) =>
    ((s.ports as string[] | undefined) ?? []).map((p) => ({ service, port: Number(p.split(':')[1]) })),
  )
}
