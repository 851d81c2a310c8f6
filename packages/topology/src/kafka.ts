/** Each region's Kafka: the broker version, its settings, the topics and how clients list brokers. */
import type { Addressing } from './addressing.js'
import { type RegionId, region as regionSpec } from './regions.js'

/** The broker both runtimes run; a test keeps it equal to `kafka.version` in scripts/deps/kafka-pom.xml (bootstrap.sh fetches that one). */
export const KAFKA_VERSION = '3.9.1'

export const TOPICS = {
  paymentEvents: 'pos.payments.events',
  /** Store-and-forward: sales accepted while the write path was down, keyed by terminal. */
  pendingSales: 'pos.sales.pending',
  /** Store-and-forward: restocks/adjustments accepted while the write path was down. */
  pendingDeltas: 'pos.inventory.pending',
} as const

export type PendingTopic = (typeof TOPICS)['pendingSales' | 'pendingDeltas']

const REPLAYERS: Record<PendingTopic, string> = {
  [TOPICS.pendingSales]: 'storefront-reconciler',
  [TOPICS.pendingDeltas]: 'inventory-delta-applier',
}

/**
 * The consumer group that replays a store-and-forward topic in `region`. Its committed offsets
 * are also where every view of that topic in the region starts: the replayer commits an offset
 * only once the region's own replica holds what it applied (platform local-queue.ts).
 */
export function replayerGroup(topic: PendingTopic, region: RegionId): string {
  return `${REPLAYERS[topic]}-${region}`
}

/** Partitions of every topic (and of any topic created without a count). */
export const TOPIC_PARTITIONS = 3

/** A small heap ceiling (the default is a quarter of RAM): three brokers share a 2-core laptop. */
export const KAFKA_HEAP_FLAGS = ['-Xms64m', '-Xmx256m'] as const

/**
 * Every broker's JVM flags, in both runtimes: the heap ceiling, the serial collector and C1 only
 * (measured natively: start 1.8 s instead of 2.4 s, 30 MB less RSS; plenty for demo traffic).
 */
export const KAFKA_JVM_FLAGS = [...KAFKA_HEAP_FLAGS, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'] as const

/** What a KAFKA_BROKERS value must look like: host:port[,host:port…]. */
export const BROKER_LIST_PATTERN = '^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$'

/** A region's brokers as clients (and KAFKA_BROKERS) list them. */
export function kafkaBrokers(region: RegionId, addressing: Addressing): string[] {
  return [`${addressing.host('kafka', region)}:${regionSpec(region).ports.kafka}`]
}

/**
 * One KRaft node acting as both broker and controller: each region is its own cluster. The
 * native runner writes these as server.properties, compose passes them as KAFKA_* variables.
 */
export function brokerProperties(region: RegionId, addressing: Addressing, logDir: string): Array<[string, string]> {
  const spec = regionSpec(region)
  const nodeId = spec.index + 1
  const { kafka, kafkaController } = spec.ports
  const host = addressing.host('kafka', region)
  const bind = addressing.bindHost
  return [
    ['process.roles', 'broker,controller'],
    ['node.id', String(nodeId)],
    ['controller.quorum.voters', `${nodeId}@${host}:${kafkaController}`],
    ['listeners', `PLAINTEXT://${bind}:${kafka},CONTROLLER://${bind}:${kafkaController}`],
    ['advertised.listeners', `PLAINTEXT://${host}:${kafka}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', logDir],
    // A single node can hold one replica only; with the default of 3 consumer groups never form.
    ['offsets.topic.replication.factor', '1'],
    ['offsets.topic.num.partitions', '5'],
    ['transaction.state.log.replication.factor', '1'],
    ['transaction.state.log.min.isr', '1'],
    ['transaction.state.log.num.partitions', '5'],
    ['default.replication.factor', '1'],
    ['min.insync.replicas', '1'],
    ['group.initial.rebalance.delay.ms', '0'],
    // Topics are created up front: kafkajs fails on first use of an auto-created KRaft topic.
    ['auto.create.topics.enable', 'false'],
    ['num.partitions', String(TOPIC_PARTITIONS)],
    ['num.network.threads', '2'],
    ['num.io.threads', '2'],
    ['background.threads', '2'],
    // The log cleaner allocates this on the heap at start-up: the 128 MiB default doubled RSS.
    ['log.cleaner.dedupe.buffer.size', '8388608'],
    ['log.retention.hours', '24'],
    ['log.segment.bytes', '16777216'],
  ]
}
