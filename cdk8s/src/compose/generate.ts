/**
 * docker-compose.yml for the three-region demo, rendered from the deployment spec
 * (packages/topology) with the compose containers' addressing: the same regions, writer, ports,
 * WAN links, service launches, database URLs, MariaDB and Kafka settings as the native runner.
 */
import { dirname } from 'node:path'
import { type RegionId, type RegionSpec, regions, topology } from '@pos-fleet/topology'
import { databaseUrls } from '@pos-fleet/topology/database'
import { KAFKA_HEAP_FLAGS, brokerProperties } from '@pos-fleet/topology/kafka'
import { DEFAULT_DURABILITY } from '@pos-fleet/topology/durability'
import { mariadbServerSettings } from '@pos-fleet/topology/mariadb-settings'
import { SERVICE_NODE_ARGS, serviceLaunches } from '@pos-fleet/topology/services'
import { OTEL_HOST, TOXIPROXY_HOST, composeAddressing, kafkaHost, mariadbHost } from './hosts.js'
import { IMAGES } from './images.js'
import { mariadbFlags } from './scripts.js'

type Service = Record<string, unknown>

const GENERATED = './deploy/compose/generated'
const LOOPBACK_PUBLISH = '127.0.0.1'
const OTLP_HTTP = `http://${OTEL_HOST}:4318`
const GATEWAY_LEDGER = '/var/lib/pos-fleet/gateway/ledger.jsonl'
const KAFKA_DATA = '/var/lib/kafka/data'
/** The demo root password of the compose MariaDB containers; override with POS_DB_ROOT_PASSWORD. */
const ROOT_PASSWORD = '${POS_DB_ROOT_PASSWORD:-pos-root-local-demo}'

/**
 * The spec's MariaDB settings (one list for both runtimes), listening on the compose network:
 * the async ones; mariadb-start.sh adds the POS_DURABILITY mode's own at start.
 */
export function mariadbArgs(r: RegionSpec, writer: RegionId): string[] {
  const [port, ...rest] = mariadbServerSettings(r.id, writer, 'async')
  return mariadbFlags([port!, ['bind-address', composeAddressing.bindHost], ...rest])
}

/** The spec's broker properties as the apache/kafka image's KAFKA_* variables. */
export function kafkaEnvironment(r: RegionSpec): Record<string, string> {
  return Object.fromEntries(brokerProperties(r.id, composeAddressing, KAFKA_DATA).map(([k, v]) => [`KAFKA_${k.toUpperCase().replaceAll('.', '_')}`, v]))
}

/** A deterministic KRaft cluster id per region (22 characters of URL-safe base64, as `random-uuid` prints). */
function clusterId(r: RegionSpec): string {
  return Buffer.from(`pos-fleet-${r.id}`.padEnd(16, '-').slice(0, 16)).toString('base64url')
}

const publish = (port: number) => `${LOOPBACK_PUBLISH}:${port}:${port}`
const healthy = { condition: 'service_healthy' }
const completed = { condition: 'service_completed_successfully' }
const started = { condition: 'service_started' }

function httpHealthcheck(port: number, path: string) {
  return {
    test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    interval: '5s',
    timeout: '3s',
    retries: 30,
    start_period: '10s',
  }
}

/** Our services: the image's non-root user, read-only root, no capabilities, bounded resources. */
function appService(workingDir: string, extra: Service): Service {
  return {
    image: IMAGES.app,
    build: { context: '.', dockerfile: 'Dockerfile' },
    working_dir: `/app/${workingDir}`,
    user: '1000:1000',
    read_only: true,
    tmpfs: ['/tmp'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    deploy: { resources: { limits: { cpus: '1', memory: '384M' }, reservations: { cpus: '0.1', memory: '128M' } } },
    ...extra,
  }
}


export function composeDocument(writer: RegionId = topology.writer): Record<string, unknown> {
  const services: Record<string, Service> = {}
  const volumes: Record<string, Record<string, never>> = {}

  services.jaeger = { image: IMAGES.jaeger, ports: [publish(16686)], environment: { COLLECTOR_OTLP_ENABLED: 'true' } }
  services[OTEL_HOST] = {
    image: IMAGES.otelCollector,
    command: ['--config=/etc/otelcol/config.yaml'],
    volumes: ['./deploy/compose/otel-collector.yaml:/etc/otelcol/config.yaml:ro'],
    depends_on: { jaeger: started },
  }

  services[TOXIPROXY_HOST] = {
    image: IMAGES.toxiproxy,
    command: ['-host=0.0.0.0', `-port=${topology.toxiproxy.apiPort}`],
    ports: [publish(topology.toxiproxy.apiPort)],
    healthcheck: { test: ['CMD', '/toxiproxy-cli', '-h', `http://127.0.0.1:${topology.toxiproxy.apiPort}`, 'list'], interval: '2s', timeout: '2s', retries: 30 },
  }
  services['wan-init'] = {
    image: IMAGES.curl,
    entrypoint: ['sh', '/init/wan-init.sh'],
    environment: { WAN_SCALE_PCT: '${WAN_SCALE_PCT:-100}' },
    volumes: [`${GENERATED}:/init:ro`],
    depends_on: { [TOXIPROXY_HOST]: healthy },
  }

  for (const r of regions) {
    volumes[`${mariadbHost(r.id)}-data`] = {}
    services[mariadbHost(r.id)] = {
      image: IMAGES.mariadb,
      entrypoint: ['sh', '/init/mariadb-start.sh'],
      command: mariadbArgs(r, writer),
      environment: { MARIADB_ROOT_PASSWORD: ROOT_PASSWORD, MARIADB_ROOT_HOST: '%', POS_DURABILITY: `\${POS_DURABILITY:-${DEFAULT_DURABILITY}}` },
      ports: [publish(r.ports.mariadb)],
      volumes: [`${mariadbHost(r.id)}-data:/var/lib/mysql`, `${GENERATED}:/init:ro`],
      // ping succeeds once the real server (not the entrypoint's socket-only bootstrap) accepts TCP.
      healthcheck: { test: ['CMD', 'mariadb-admin', 'ping', '-h', '127.0.0.1', '-P', String(r.ports.mariadb), '--silent'], interval: '2s', timeout: '3s', retries: 60 },
    }
    volumes[`${kafkaHost(r.id)}-data`] = {}
    services[kafkaHost(r.id)] = {
      image: IMAGES.kafka,
      environment: {
        CLUSTER_ID: clusterId(r),
        KAFKA_HEAP_OPTS: KAFKA_HEAP_FLAGS.join(' '),
        ...kafkaEnvironment(r),
      },
      volumes: [`${kafkaHost(r.id)}-data:${KAFKA_DATA}`],
      healthcheck: {
        test: ['CMD', '/opt/kafka/bin/kafka-broker-api-versions.sh', '--bootstrap-server', `127.0.0.1:${r.ports.kafka}`],
        interval: '5s',
        timeout: '10s',
        retries: 30,
        start_period: '15s',
      },
    }
  }

  services['db-init'] = {
    image: IMAGES.mariadb,
    entrypoint: ['bash', '/init/db-init.sh'],
    environment: { MARIADB_ROOT_PASSWORD: ROOT_PASSWORD },
    volumes: [`${GENERATED}:/init:ro`],
    depends_on: { ...Object.fromEntries(regions.map((r) => [mariadbHost(r.id), healthy])), 'wan-init': completed },
  }
  services['kafka-init'] = {
    image: IMAGES.kafka,
    entrypoint: ['sh', '/init/kafka-init.sh'],
    volumes: [`${GENERATED}:/init:ro`],
    depends_on: Object.fromEntries(regions.map((r) => [kafkaHost(r.id), healthy])),
  }
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
    const dependsOn: Record<string, unknown> = { [OTEL_HOST]: started }
    if (region) {
      Object.assign(dependsOn, { migrate: completed, [mariadbHost(region)]: healthy, 'kafka-init': completed, [kafkaHost(region)]: healthy })
      if (region !== writer) Object.assign(dependsOn, { [TOXIPROXY_HOST]: healthy, 'wan-init': completed })
    }
    if (launch.env.GATEWAY_URL) dependsOn[composeAddressing.gatewayHost] = healthy
    services[launch.name] = appService(launch.service, {
      command: ['node', ...SERVICE_NODE_ARGS],
      environment: { ...launch.env, NODE_ENV: 'production', OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_HTTP },
      ports: [publish(launch.port)],
      ...(isGateway ? { volumes: [`gateway-ledger:${dirname(GATEWAY_LEDGER)}`] } : {}),
      healthcheck: httpHealthcheck(launch.port, launch.readinessPath),
      depends_on: dependsOn,
      restart: 'unless-stopped',
    })
  }

  return { name: 'pos-fleet', services, volumes }
}

/** Host ports the demo publishes (all on 127.0.0.1), for the README and the tests. */
export function publishedPorts(document: Record<string, unknown>): Array<{ service: string; port: number }> {
  const services = document.services as Record<string, Service>
  return Object.entries(services).flatMap(([service, s]) =>
    ((s.ports as string[] | undefined) ?? []).map((p) => ({ service, port: Number(p.split(':')[1]) })),
  )
}
