import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Addressing, loopbackAddressing } from './addressing.js'
import { BROKER_LIST_PATTERN, KAFKA_VERSION, TOPIC_PARTITIONS, brokerProperties, kafkaBrokers } from './kafka.js'
import { REGION_IDS } from './regions.js'

const containers: Addressing = { bindHost: '0.0.0.0', host: (s, r) => `${s}-${r}`, wanHost: 'toxiproxy', gatewayHost: 'gateway' }

describe('Kafka', () => {
  it('runs the broker version scripts/bootstrap.sh fetches (scripts/deps/kafka-pom.xml)', () => {
    const pom = readFileSync(new URL('../../../scripts/deps/kafka-pom.xml', import.meta.url), 'utf8')
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(KAFKA_VERSION)
  })

  it('renders the same broker properties for every runtime, except addresses and the log dir', () => {
    for (const r of REGION_IDS) {
      const native = brokerProperties(r, loopbackAddressing, '/native/data')
      const compose = brokerProperties(r, containers, '/var/lib/kafka/data')
      expect(compose.map(([k]) => k)).toEqual(native.map(([k]) => k))
      const normalise = (v: string, a: Addressing) => v.replaceAll(`${a.host('kafka', r)}:`, 'ADDRESS:').replaceAll(`${a.bindHost}:`, 'ADDRESS:')
      for (const [i, [k, v]] of native.entries()) {
        if (k === 'log.dirs') continue
        expect(normalise(compose[i]![1], containers), k).toBe(normalise(v, loopbackAddressing))
      }
      expect(Object.fromEntries(compose)['advertised.listeners']).toBe(`PLAINTEXT://kafka-${r}:${kafkaBrokers(r, containers)[0]!.split(':')[1]}`)
    }
  })

  it('creates topics with the spec’s partition count by default', () => {
    expect(Object.fromEntries(brokerProperties('us-east-1', loopbackAddressing, '/d'))['num.partitions']).toBe(String(TOPIC_PARTITIONS))
  })

  it('lists brokers in the form KAFKA_BROKERS accepts', () => {
    const pattern = new RegExp(BROKER_LIST_PATTERN)
    for (const r of REGION_IDS) for (const a of [loopbackAddressing, containers]) expect(kafkaBrokers(r, a).join(',')).toMatch(pattern)
    expect('kafka:9092;kafka2').not.toMatch(pattern)
  })
})
