/**
 * Offline checks of what docker-compose.yml runs: every image built here from the two official
 * bases, once; the container hygiene a user expects. The engine-backed checks are the `compose`
 * project (test/compose/).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KAFKA_VERSION } from '@pos-fleet/topology/kafka'
import { describe, expect, it } from 'vitest'
import { parseYaml } from '../../cdk8s/src/compose/files.js'
import { IMAGES } from '../../cdk8s/src/compose/images.js'
import { repoRoot } from '../../cdk8s/src/paths.js'
import { COMPOSE_PROJECT } from '../../packages/fleet/src/compose/project-name.js'
import { nodeImage } from '../../packages/fleet/src/compose/base-images.js'

const compose = parseYaml(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  name: string
  services: Record<string, any>
  secrets: Record<string, { file: string }>
}
const services = Object.entries(compose.services)
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')
const bootstrap = read('scripts/bootstrap.sh')
/** Init steps run once and exit; everything else runs for the fleet's lifetime. */
const INIT_STEPS = ['wan-init', 'db-init', 'kafka-init', 'migrate']

describe('docker-compose.yml images', () => {
  const dockerfiles = Object.values(IMAGES).map((i) => i.dockerfile)

  it('builds every image it runs from a Dockerfile in this repository', () => {
    const built = new Set(Object.values(IMAGES).map((i) => i.image))
    for (const [name, s] of services) expect(built.has(s.image), `${name} runs ${s.image}`).toBe(true)
  })

  it('builds each image exactly once (pull_policy: build), every other service of it uses that build (never pulled)', () => {
    for (const image of Object.values(IMAGES)) {
      const users = services.filter(([, s]) => s.image === image.image)
      const builders = users.filter(([, s]) => s.build)
      expect(builders.map(([n]) => n), image.image).toHaveLength(1)
      const [, builder] = builders[0]!
      expect(builder.build).toEqual({ context: '.', dockerfile: image.dockerfile, secrets: ['build_ca'] })
      expect(builder.pull_policy).toBe('build')
      for (const [name, s] of users) if (s !== builder) expect(s.pull_policy, name).toBe('never')
    }
  })

  it('offers the build secret build_ca, an empty file unless POS_BUILD_CA names one', () => {
    expect(compose.secrets.build_ca.file).toBe('${POS_BUILD_CA:-./deploy/images/no-build-ca.pem}')
    expect(read('deploy/images/no-build-ca.pem')).toBe('')
  })

  it.each(dockerfiles)('%s builds FROM debian:bookworm-slim or the pinned node image only, with no registry frontend', (path) => {
    const text = read(path)
    expect(text).not.toMatch(/^# syntax=/m)
    const stages = [...text.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1])
    for (const [, from] of text.matchAll(/^FROM (\S+)/gm)) {
      expect(['debian:bookworm-slim', '${NODE_IMAGE}', ...stages], `${path}: FROM ${from}`).toContain(from)
    }
    const nodeArg = /^ARG NODE_IMAGE=(.+)$/m.exec(text)?.[1]
    if (nodeArg) expect(nodeArg).toBe(nodeImage().image)
  })

  it.each(dockerfiles)('%s pins the version of every Debian package it installs', (path) => {
    const installs = [...read(path).matchAll(/apt-get install ([^&]+)/g)].map((m) => m[1]!)
    for (const line of installs) {
      const packages = line.split(/\s+/).filter((w) => w && !w.startsWith('-') && w !== '\\')
      for (const p of packages) expect(p, `${path}: ${p}`).toMatch(/^"?[a-z0-9.+-]+=\$[A-Z_]+"?$/)
    }
    for (const [, arg, version] of read(path).matchAll(/^ARG ([A-Z_]+_DEB_VERSION)=(.*)$/gm)) expect(version, `${path} ${arg}`).toMatch(/^[\w.:~+-]+$/)
  })

  it('trusts the build secret in every step that downloads over TLS (npm, pnpm, Go, Maven)', () => {
    const secretSteps = (path: string) => [...read(path).matchAll(/^RUN --mount=type=secret,id=build_ca\b/gm)].length
    expect(secretSteps('Dockerfile')).toBe(3)
    expect(secretSteps('deploy/images/toxiproxy.Dockerfile')).toBe(1)
    expect(secretSteps('deploy/images/kafka.Dockerfile')).toBe(1)
  })

  it('builds the versions the native runner runs: toxiproxy, Kafka, MariaDB 10.11', () => {
    const toxiproxy = /^readonly TOXIPROXY_VERSION=(\S+)$/m.exec(bootstrap)?.[1]
    expect(read('deploy/images/toxiproxy.Dockerfile')).toContain(`ARG TOXIPROXY_VERSION=${toxiproxy}`)
    expect(IMAGES.toxiproxy.image).toBe(`pos-fleet/toxiproxy:${toxiproxy!.slice(1)}`)
    expect(IMAGES.kafka.image).toBe(`pos-fleet/kafka:${KAFKA_VERSION}`)
    expect(read('deploy/images/kafka.Dockerfile')).toContain('COPY scripts/deps/kafka-pom.xml')
    expect(read('deploy/images/mariadb.Dockerfile')).toMatch(/^ARG MARIADB_DEB_VERSION=1:10\.11\.\d+-/m)
  })

  it('names the project as `fleet compose` addresses it', () => {
    expect(compose.name).toBe(COMPOSE_PROJECT)
  })
})

describe('docker-compose.yml container hygiene', () => {
  it('runs every container with an init, a read-only root, no capabilities, no privilege escalation and a memory limit', () => {
    for (const [name, s] of services) {
      expect(s.init, name).toBe(true)
      expect(s.read_only, name).toBe(true)
      expect(s.cap_drop, name).toEqual(['ALL'])
      expect(s.security_opt, name).toContain('no-new-privileges:true')
      expect(s.privileged, name).toBeUndefined()
      expect(s.deploy.resources.limits.memory, name).toMatch(/^\d+M$/)
    }
  })

  it('gives every long-running service a healthcheck, and publishes ports on 127.0.0.1 only', () => {
    for (const [name, s] of services) {
      if (!INIT_STEPS.includes(name)) expect(s.healthcheck?.test, name).toBeDefined()
      for (const p of (s.ports ?? []) as string[]) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/)
    }
  })

  it('runs every image as a non-root user (the image’s USER, or the service’s user)', () => {
    const userOf = (path: string) => [...read(path).matchAll(/^USER (\S+)$/gm)].pop()?.[1]
    for (const image of Object.values(IMAGES)) expect(userOf(image.dockerfile), image.dockerfile).toMatch(/^(?!root$|0(:|$))/)
  })

  it('points no service at a collector the file does not run', () => {
    for (const [name, s] of services) expect(s.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBeUndefined()
  })
})
