import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka, Partitioners, logLevel } from 'kafkajs'
import mysql from 'mysql2/promise'
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise'
import { beforeAll, describe, expect, it } from 'vitest'
import { REGION_IDS, oneWayDelayMs, region, topology } from '@pos-fleet/topology'
import { createTopics, kafkaBrokers } from '../../packages/fleet/src/infra/kafka.js'
import { DB_USERS, binlogGtid, databaseUrls, replicationStatus, waitReplicaCaughtUp } from '../../packages/fleet/src/infra/mariadb.js'
import { retryUntil } from '../../packages/fleet/src/infra/processes.js'
import { setRegionLinks } from '../../packages/fleet/src/infra/toxiproxy.js'

const writer = topology.writer
const replicas = REGION_IDS.filter((id) => id !== writer)
const urls = (id: (typeof REGION_IDS)[number]) => databaseUrls(id, writer)

/** Writes through pos_app on the writer's local port and returns the write's GTID (session tracking). */
async function writeProbe(note: string): Promise<string> {
  const db = await mysql.createConnection(urls(writer).write)
  try {
    const [result] = await db.query<ResultSetHeader>('INSERT INTO infra_probe (note) VALUES (?)', [note])
    const gtid = (result as ResultSetHeader & { stateChanges?: { systemVariables?: Record<string, string> } }).stateChanges?.systemVariables?.last_gtid
    expect(gtid, 'last_gtid is tracked in the OK packet').toMatch(/^0-1-\d+$/)
    return gtid as string
  } finally {
    await db.end()
  }
}

/** The infrastructure under the services, checked directly on the suite's running fleet. */
describe('native infrastructure', () => {
  beforeAll(async () => {
    const migrator = await mysql.createConnection(urls(writer).migrate)
    try {
      await migrator.query('CREATE TABLE IF NOT EXISTS infra_probe (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)')
    } finally {
      await migrator.end()
    }
  }, 120_000)

  it('replicates a write at the primary to every replica', async () => {
    const gtid = await writeProbe('hello')
    for (const id of replicas) {
      await waitReplicaCaughtUp(id, gtid, 5_000)
      const db = await mysql.createConnection(urls(id).read)
      try {
        const [rows] = await db.query<RowDataPacket[]>('SELECT note FROM infra_probe')
        expect(rows.map((r) => r.note)).toContain('hello')
      } finally {
        await db.end()
      }
    }
  }, 30_000)

  it('replicates the service accounts: pos_monitor reads replication state on a replica', async () => {
    const { user, password } = DB_USERS.monitor
    const db = await mysql.createConnection({ host: '127.0.0.1', port: region(replicas[0]!).ports.mariadb, user, password })
    try {
      const [rows] = await db.query<RowDataPacket[]>('SHOW SLAVE STATUS')
      expect(rows[0]).toMatchObject({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' })
    } finally {
      await db.end()
    }
  }, 30_000)

  it('rejects application writes on a replica with error 1290', async () => {
    const db = await mysql.createConnection(urls(replicas[0]!).read)
    try {
      await expect(db.query('INSERT INTO infra_probe (note) VALUES (?)', ['errant'])).rejects.toMatchObject({ errno: 1290 })
    } finally {
      await db.end()
    }
  }, 30_000)

  it('routes replication through the WAN link, paying at least the one-way delay', async () => {
    for (const id of replicas) {
      const gtid = await writeProbe(`delay-${id}`)
      const started = performance.now()
      await waitReplicaCaughtUp(id, gtid, 5_000)
      const elapsed = performance.now() - started
      // The commit leaves the primary before its OK reaches us; allow a few ms of that head start.
      expect(elapsed).toBeGreaterThanOrEqual(oneWayDelayMs(id, writer) - 5)
    }
  }, 30_000)

  it('stops a cut-off region replicating and resumes when the link heals', async () => {
    const cut = replicas[0]!
    const other = replicas[1]!
    await setRegionLinks(cut, false)
    try {
      await retryUntil(`${cut}'s IO thread to lose the primary`, 10_000, async () => {
        expect((await replicationStatus(cut))?.ioThread).not.toBe('Yes')
      })
      const gtid = await writeProbe('during-partition')
      await expect(waitReplicaCaughtUp(cut, gtid, 1_500)).rejects.toThrow(/did not reach GTID/)
      await waitReplicaCaughtUp(other, gtid, 5_000)
    } finally {
      await setRegionLinks(cut, true)
    }
    await waitReplicaCaughtUp(cut, await binlogGtid(writer), 10_000)
    const status = await replicationStatus(cut)
    expect(status).toMatchObject({ ioThread: 'Yes', sqlThreadRunning: true, lastSqlError: '' })
  }, 30_000)

  it('runs a produce and consume round trip on every region broker', async () => {
    const topic = 'infra.probe'
    await Promise.all(
      REGION_IDS.map(async (id) => {
        await createTopics(id, [topic], { partitions: 1 })
        // Idempotent: a second call for an existing topic is a no-op.
        await createTopics(id, [topic], { partitions: 1 })
        const kafka = new Kafka({ clientId: `infra-test-${id}`, brokers: kafkaBrokers(id), logLevel: logLevel.NOTHING })
        const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
        const consumer = kafka.consumer({ groupId: `infra-test-${id}` })
        await Promise.all([producer.connect(), consumer.connect()])
        try {
          await consumer.subscribe({ topic, fromBeginning: true })
          const received = new Promise<string>((resolve) => {
            void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) })
          })
          await producer.send({ topic, messages: [{ key: id, value: `hello from ${id}` }] })
          expect(await Promise.race([received, sleep(20_000).then(() => 'timed out')])).toBe(`hello from ${id}`)
        } finally {
          await Promise.all([producer.disconnect(), consumer.disconnect()])
        }
      }),
    )
  }, 60_000)
})
