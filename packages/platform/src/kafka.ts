import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs'
import type { FastifyBaseLogger } from 'fastify'

export function createKafka(options: { clientId: string; brokers: string[]; log: FastifyBaseLogger }): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log }) => {
      const { message, ...extra } = log
      const fields = { namespace, ...extra }
      if (level <= logLevel.ERROR) options.log.error(fields, message)
      else options.log.warn(fields, message)
    },
  })
}

/**
 * An idempotent producer (acks=all, one request in flight): the broker de-duplicates
 * the producer's retries, so a retried send never lands twice.
 */
export async function connectIdempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  return producer
}
