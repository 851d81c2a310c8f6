import { Kafka, type IHeaders, logLevel } from 'kafkajs'
import { topology } from '@pos-fleet/topology'
import { fleet } from './fleet.js'

/** The payment event payments-worker published for a sale, read from the writer region's real Kafka. */
export async function paymentEventFor(saleId: string, timeoutMs = 20_000): Promise<{ value: any; headers: IHeaders }> {
  const kafka = new Kafka({ clientId: 'test', brokers: [fleet.regions[fleet.writer].kafka], logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: `test-${saleId}` })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic: topology.kafka.topics.paymentEvents, fromBeginning: true })
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no payment event for sale ${saleId} within ${timeoutMs} ms`)), timeoutMs)
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== saleId) return
          clearTimeout(timer)
          resolve({ value: JSON.parse(message.value!.toString()), headers: message.headers ?? {} })
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
}
