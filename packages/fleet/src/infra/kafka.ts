import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import type { Admin } from 'kafkajs'
import { loopbackAddressing, region as regionSpec } from '@pos-fleet/topology'
import type { RegionId } from '@pos-fleet/topology'
import { KAFKA_JVM_FLAGS, TOPIC_PARTITIONS, brokerProperties, kafkaBrokers as specKafkaBrokers } from '@pos-fleet/topology/kafka'
import { kafkaLibsDir, regionPaths, requireExecutable } from './paths.js'
import { retryUntil, runCommand, startProcess, untilReady } from './processes.js'
import type { RunningProcess } from './processes.js'

export interface RegionKafka {
  readonly process: RunningProcess
  readonly brokers: readonly string[]
}

const READY_TIMEOUT_MS = 60_000


export function kafkaBrokers(region: RegionId): string[] {
  return specKafkaBrokers(region, loopbackAddressing)
}

/** The spec's broker properties as the native server.properties. */
function serverProperties(region: RegionId): string {
  return `${brokerProperties(region, loopbackAddressing, regionPaths(region).kafka.data)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`
}

function log4jProperties(serverLog: string): string {
  return `${[
    'log4j.rootLogger=INFO, server',
    'log4j.appender.server=org.apache.log4j.FileAppender',
    `log4j.appender.server.File=${serverLog}`,
    'log4j.appender.server.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.server.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Per-request and partition state chatter would bury the lines worth reading.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
  ].join('\n')}\n`
}

/** A cluster id as Kafka's `random-uuid` prints it: URL-safe base64, never starting with '-'. */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/**
 * Formats the region's storage and starts its broker; resolves once a client can describe the
 * cluster. Once `signal` is aborted it starts no broker.
 */
export async function startRegionKafka(region: RegionId, signal?: AbortSignal): Promise<RegionKafka> {
  const javaBin = requireExecutable('java')
  const paths = regionPaths(region)
  await Promise.all([mkdir(paths.kafka.data, { recursive: true }), mkdir(paths.logs, { recursive: true })])
  await writeFile(paths.kafka.config, serverProperties(region))
  await writeFile(paths.kafka.log4jConfig, log4jProperties(paths.kafka.serverLog))
  const java = [...KAFKA_JVM_FLAGS, `-Dlog4j.configuration=file:${paths.kafka.log4jConfig}`, '-cp', join(kafkaLibsDir, '*')]
  // A restarted broker keeps its log (and the queued messages in it): format only a new one,
  // since formatting again with a fresh cluster id is refused.
  if (!existsSync(join(paths.kafka.data, 'meta.properties'))) {
    await runCommand(
      `kafka storage format for ${region}`,
      javaBin,
      [...java, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', paths.kafka.config, '--ignore-formatted'],
      { log: join(paths.logs, 'kafka-format.log') },
    )
  }
  const { kafka, kafkaController } = regionSpec(region).ports
  const proc = await startProcess({
    name: `kafka-${region}`,
    command: javaBin,
    args: [...java, 'kafka.Kafka', paths.kafka.config],
    ports: [kafka, kafkaController],
    ...(signal ? { signal } : {}),
  })
  await untilReady(
    proc,
    (signal) =>
      retryUntil(`the kafka broker in ${region} to serve metadata`, READY_TIMEOUT_MS, () => withAdmin(region, 0, (admin) => admin.describeCluster()), {
        intervalMs: 250,
        signal,
      }),
    paths.kafka.serverLog,
  )
  return { process: proc, brokers: kafkaBrokers(region) }
}

/** Creates topics that do not exist yet and waits for their partition leaders. */
export async function createTopics(region: RegionId, topics: readonly string[], options: { readonly partitions?: number } = {}): Promise<void> {
  await withAdmin(region, 5, async (admin) => {
    const existing = new Set(await admin.listTopics())
    const missing = topics.filter((topic) => !existing.has(topic))
    if (missing.length === 0) return
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: options.partitions ?? TOPIC_PARTITIONS, replicationFactor: 1 })),
      waitForLeaders: true,
    })
  })
}

async function withAdmin<T>(region: RegionId, retries: number, work: (admin: Admin) => Promise<T>): Promise<T> {
  const client = new Kafka({
    clientId: 'pos-fleet-infra',
    brokers: kafkaBrokers(region),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries },
  })
  const admin = client.admin()
  await admin.connect()
  try {
    return await work(admin)
  } finally {
    await admin.disconnect()
  }
}
