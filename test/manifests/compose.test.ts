import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { globalProxies, globalProxy, loopbackAddressing, oneWayDelayMs, regions, topology, wanLinks } from '@pos-fleet/topology'
import { KAFKA_JVM_FLAGS, brokerProperties } from '@pos-fleet/topology/kafka'
import { type Durability, DURABILITY_MODES } from '@pos-fleet/topology/durability'
import { mariadbServerSettings } from '@pos-fleet/topology/mariadb-settings'
import { serviceLaunches } from '@pos-fleet/topology/services'
import { afterAll, describe, expect, it } from 'vitest'
import { composeFiles, parseYaml as parse } from '../../cdk8s/src/compose/files.js'
import { publishedPorts } from '../../cdk8s/src/compose/generate.js'
import { repoRoot } from '../../cdk8s/src/paths.js'
import { composeSchemaErrors } from '../../cdk8s/src/validation/compose-schema.js'
import { composePorts } from '../../packages/fleet/src/compose/compose-fleet.js'
import { migratorEntry } from './support/chart.js'

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')
const compose = parse(composeText) as { services: Record<string, any>; volumes: Record<string, unknown> }
const services = compose.services
/** The launches as the native runner spawns them: the spec on loopback addresses. */
const native = serviceLaunches({ writer: topology.writer, addressing: loopbackAddressing, logLevel: 'info', gatewayLedgerPath: '/native/ledger.jsonl' })
const readerRegions = regions.filter((r) => r.id !== topology.writer)

describe('docker-compose.yml — generated, valid', () => {
  it('is exactly what the generator writes from the topology (run `pnpm --filter @pos-fleet/cdk8s compose`)', () => {
    for (const [path, content] of composeFiles()) expect(readFileSync(join(repoRoot, path), 'utf8'), path).toBe(content)
  })

  it('matches the compose-spec JSON schema', () => {
    expect(composeSchemaErrors(compose)).toEqual([])
  })

  it('the schema check is live: it rejects an unknown service key and a bad depends_on condition', () => {
    const broken = structuredClone(compose)
    broken.services.toxiproxy.imagee = 'x'
    broken.services.migrate.depends_on['db-init'].condition = 'service_ready'
    expect(composeSchemaErrors(broken).length).toBeGreaterThanOrEqual(2)
  })
})

describe('docker-compose.yml — the same fleet as the native runner', () => {
  it('runs every native service process, and payments-worker only in the writer region', () => {
    for (const launch of native) expect(services[launch.name], launch.name).toBeDefined()
    const workers = Object.keys(services).filter((s) => s.startsWith('payments-worker'))
    expect(workers).toEqual([`payments-worker-${topology.writer}`])
    for (const r of regions) for (const s of ['storefront', 'inventory-delta', 'mariadb', 'kafka']) expect(services[`${s}-${r.id}`], `${s}-${r.id}`).toBeDefined()
    for (const s of ['toxiproxy', 'wan-init', 'db-init', 'kafka-init', 'migrate', 'payment-gateway-sandbox']) expect(services[s], s).toBeDefined()
  })

  it('gives each service the native environment, with loopback addresses replaced by containers', () => {
    for (const launch of native) {
      const env = services[launch.name].environment
      for (const [key, value] of Object.entries(launch.env)) {
        if (key === 'GATEWAY_LEDGER_PATH' || key === 'HOST') continue
        expect(env[key], `${launch.name} ${key}`).toBe(value.replace(/127\.0\.0\.1:(\d+)/g, (_m, port) => `${hostOf(Number(port))}:${port}`))
      }
      expect(launch.env.HOST).toBe('127.0.0.1')
      expect(env.HOST).toBe('0.0.0.0')
    }
  })

  it('sends every region’s writes through its global proxy and reader regions’ replication through toxiproxy', () => {
    for (const r of regions) {
      const env = services[`storefront-${r.id}`].environment
      expect(env.DB_WRITE_URL).toContain(`@toxiproxy:${globalProxy(r.id).listenPort}/`)
      expect(env.DB_READ_URL).toContain(`@mariadb-${r.id}:${r.ports.mariadb}/`)
    }
    const dbInit = readFileSync(join(repoRoot, 'deploy/compose/generated/db-init.sh'), 'utf8')
    for (const r of readerRegions) {
      const port = wanLinks().find((l) => l.from === r.id && l.to === topology.writer)?.listenPort
      expect(dbInit).toMatch(new RegExp(`^sql mariadb-${r.id} ${r.ports.mariadb} "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='toxiproxy', MASTER_PORT=${port},`, 'm'))
    }
  })

  it('creates every WAN link with its RTT/2 latency toxic in both directions', () => {
    const script = readFileSync(join(repoRoot, 'deploy/compose/generated/wan-init.sh'), 'utf8')
    const populate = JSON.parse(/post \/populate '(.*)'/.exec(script)?.[1] ?? '[]') as Array<{ name: string; listen: string; upstream: string }>
    expect(populate.map((p) => p.name).sort()).toEqual([...wanLinks(), ...globalProxies()].map((l) => l.name).sort())
    const writerDb = regions.find((r) => r.id === topology.writer)!
    for (const p of globalProxies()) expect(populate.find((x) => x.name === p.name)).toMatchObject({ listen: `0.0.0.0:${p.listenPort}`, upstream: `mariadb-${writerDb.id}:${writerDb.ports.mariadb}` })
    for (const l of wanLinks()) {
      expect(populate.find((p) => p.name === l.name)).toMatchObject({ listen: `0.0.0.0:${l.listenPort}`, upstream: `mariadb-${l.to}:${l.upstreamPort}` })
      for (const stream of ['upstream', 'downstream']) {
        expect(script).toContain(`toxic ${l.name} ${oneWayDelayMs(l.from, l.to)} '{"name":"latency_${stream}","type":"latency","stream":"${stream}","toxicity":1,"attributes":{"latency":' ',"jitter":0}}'\n`)
      }
    }
  })

  it('configures MariaDB with the native runner’s settings: every setting, a durable writer, read_only on replicas only', () => {
    for (const r of regions) {
      const args = services[`mariadb-${r.id}`].command as string[]
      const settings = mariadbServerSettings(r.id, topology.writer)
      expect(settings.length).toBeGreaterThan(15)
      for (const [k, v] of settings) expect(args, `${r.id} ${k}`).toContain(v === '' ? `--${k}` : `--${k}=${v}`)
      expect(args).toContain('--bind-address=0.0.0.0')
      expect(args).toContain(`--port=${r.ports.mariadb}`)
      expect(args).toContain(`--server_id=${r.index + 1}`)
      const writer = r.id === topology.writer
      expect(args.includes('--read_only=1'), `${r.id} read_only`).toBe(!writer)
      // The system of record flushes redo log and binlog at every commit.
      if (writer) expect(args).toEqual(expect.arrayContaining(['--innodb_flush_log_at_trx_commit=1', '--sync_binlog=1']))
    }
  })

  describe('POS_DURABILITY', () => {
    const script = join(repoRoot, 'deploy/compose/generated/mariadb-start.sh')
    // The image's entrypoint, replaced by one that prints the arguments mariadbd would get.
    const bin = mkdtempSync(join(tmpdir(), 'pos-entrypoint-'))
    writeFileSync(join(bin, 'mariadb-entrypoint.sh'), '#!/bin/sh\nprintf "%s\\n" "$@"\n')
    chmodSync(join(bin, 'mariadb-entrypoint.sh'), 0o755)
    afterAll(() => rmSync(bin, { recursive: true, force: true }))
    const start = (r: (typeof regions)[number], durability?: string) => {
      const env = { PATH: `${bin}:${process.env.PATH}`, ...(durability === undefined ? {} : { POS_DURABILITY: durability }) }
      return spawnSync('sh', [script, ...(services[`mariadb-${r.id}`].command as string[])], { env, encoding: 'utf8' })
    }
    /** The native my.cnf's settings for the mode, as flags, on the compose network. */
    const nativeFlags = (r: (typeof regions)[number], mode: Durability) =>
      [...mariadbServerSettings(r.id, topology.writer, mode), ['bind-address', '0.0.0.0'] as const].map(([k, v]) => (v === '' ? `--${k}` : `--${k}=${v}`)).sort()

    it('starts every MariaDB container through mariadb-start.sh with POS_DURABILITY defaulting to async', () => {
      for (const r of regions) {
        const s = services[`mariadb-${r.id}`]
        expect(s.entrypoint).toEqual(['sh', '/init/mariadb-start.sh'])
        expect(s.environment.POS_DURABILITY).toBe('${POS_DURABILITY:-async}')
        expect(s.volumes).toContain('./deploy/compose/generated:/init:ro')
      }
    })

    it.each([...DURABILITY_MODES])('gives mariadbd exactly the native settings of %s', (mode) => {
      for (const r of regions) {
        const run = start(r, mode)
        expect(run.status, run.stderr).toBe(0)
        expect(run.stdout.trim().split('\n').slice(1).sort(), r.id).toEqual(nativeFlags(r, mode))
      }
    })

    it('runs async when POS_DURABILITY is unset', () => {
      const run = start(regions[0]!)
      expect(run.stdout).toContain('mariadb: durability async')
      expect(run.stdout).not.toContain('rpl_semi_sync')
    })

    it('refuses an unknown mode with exit 2, naming it, before mariadbd starts', () => {
      const run = start(regions[0]!, 'sync')
      expect(run.status).toBe(2)
      expect(run.stderr).toContain("POS_DURABILITY must be one of async, semi-sync, not 'sync'")
      expect(run.stdout).toBe('')
    })
  })

  it('configures Kafka 3.9 in KRaft mode as the native server.properties does: every setting but addresses and the log dir', () => {
    for (const r of regions) {
      const settings = brokerProperties(r.id, loopbackAddressing, '/native/kafka').filter(([k, v]) => !v.includes('127.0.0.1') && k !== 'log.dirs')
      expect(settings.length).toBeGreaterThan(15)
      const kafka = services[`kafka-${r.id}`]
      expect(kafka.image).toMatch(/^pos-fleet\/kafka:3\.9\.\d+$/)
      expect(kafka.command).toEqual([`/init/kafka-${r.id}.properties`])
      const file = readFileSync(join(repoRoot, `deploy/compose/generated/kafka-${r.id}.properties`), 'utf8')
      const props = new Map(file.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
      for (const [k, v] of settings) expect(props.get(k), `${r.id} ${k}`).toBe(v)
      expect(props.get('process.roles')).toBe('broker,controller')
      expect(props.get('advertised.listeners')).toBe(`PLAINTEXT://kafka-${r.id}:${r.ports.kafka}`)
      expect(kafka.environment.KAFKA_JVM_OPTS).toBe(KAFKA_JVM_FLAGS.join(' '))
    }
  })

  it('publishes on 127.0.0.1 exactly the topology’s service ports, the gateway, toxiproxy, MariaDB and Jaeger', () => {
    const published = publishedPorts(compose).map((p) => p.port).sort((a, b) => a - b)
    const expected = [
      ...native.map((l) => l.port),
      ...regions.map((r) => r.ports.mariadb),
      topology.toxiproxy.apiPort,
      ...globalProxies().map((p) => p.listenPort),
    ].sort((a, b) => a - b)
    expect(published).toEqual(expected)
    // What `fleet compose up` checks free before it starts anything.
    expect(composePorts()).toEqual(expected)
    for (const s of Object.values(services)) for (const p of (s.ports ?? []) as string[]) expect(p).toMatch(/^127\.0\.0\.1:/)
  })
})

describe('docker-compose.yml — start-up order, images, users', () => {
  it('starts in order: every long-running dependency is awaited healthy, every init step to completion', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, cond] of Object.entries((s.depends_on ?? {}) as Record<string, { condition: string }>)) {
        expect(services[dep], `${name} -> ${dep}`).toBeDefined()
        const expected = ['wan-init', 'db-init', 'kafka-init', 'migrate'].includes(dep)
          ? 'service_completed_successfully'
          : services[dep].healthcheck
            ? 'service_healthy'
            : 'service_started'
        expect(cond.condition, `${name} -> ${dep}`).toBe(expected)
      }
    }
    for (const launch of native) expect(services[launch.name].healthcheck, launch.name).toBeDefined()
    for (const r of regions) expect(Object.keys(services[`storefront-${r.id}`].depends_on)).toEqual(expect.arrayContaining(['migrate', `mariadb-${r.id}`]))
  })

  it('migrates (and seeds) with the migrator package’s entry, from its folder in the image', () => {
    expect(services.migrate.working_dir).toBe('/app/migrator')
    expect(services.migrate.command).toEqual(['node', '--enable-source-maps', migratorEntry, '--seed-demo'])
    expect(services.migrate.environment.DB_MIGRATE_URL).toBe(`mysql://pos_migrator:pos-migrator-local-demo@mariadb-${topology.writer}:${regions.find((r) => r.id === topology.writer)?.ports.mariadb}/pos`)
  })

  it('pins every image to an exact version tag, never latest', () => {
    for (const [name, s] of Object.entries(services)) expect(s.image, name).toMatch(/^[\w./-]+:(?!latest$)\d[\w.-]*$/)
  })

  it('runs our containers as the non-root user with a read-only root, no capabilities and resource limits', () => {
    for (const [name, s] of Object.entries(services).filter(([, s]) => s.image === services.migrate.image)) {
      expect(s.user, name).toBe('1000:1000')
      expect(s.read_only, name).toBe(true)
      expect(s.cap_drop, name).toEqual(['ALL'])
      expect(s.deploy.resources.limits, name).toMatchObject({ cpus: expect.any(String), memory: expect.any(String) })
      expect(s.deploy.resources.reservations, name).toMatchObject({ memory: expect.any(String) })
    }
  })

  it('puts no plaintext credential in the file other than the native runner’s published local-demo accounts', () => {
    const urls = [...composeText.matchAll(/mysql:\/\/([^:]+):([^@]+)@/g)].map((m) => m[2])
    expect(urls.length).toBeGreaterThan(0)
    for (const password of urls) expect(password).toMatch(/-local-demo$/)
    expect(composeText).not.toMatch(/MARIADB_ROOT_PASSWORD: (?!\$\{POS_DB_ROOT_PASSWORD:-)/)
  })
})

function hostOf(port: number): string {
  for (const r of regions) {
    if (port === r.ports.mariadb) return `mariadb-${r.id}`
    if (port === r.ports.kafka) return `kafka-${r.id}`
  }
  if ([...wanLinks(), ...globalProxies()].some((l) => l.listenPort === port)) return 'toxiproxy'
  if (port === topology.paymentGateway.port) return 'payment-gateway-sandbox'
  throw new Error(`unexpected port ${port}`)
}
