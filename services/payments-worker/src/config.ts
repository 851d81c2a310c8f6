import { Type } from '@sinclair/typebox'
import { BaseEnv, DatabaseEnv, KafkaEnv } from '@pos-fleet/platform/config'

export const PaymentsWorkerEnv = Type.Object({
  ...BaseEnv,
  ...DatabaseEnv,
  ...KafkaEnv,
  GATEWAY_URL: Type.String({ pattern: '^https?://' }),
  GATEWAY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  DRAIN_INTERVAL_MS: Type.Integer({ minimum: 10, default: 200 }),
  DRAIN_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 500, default: 20 }),
  /** Concurrent drain loops; each holds one write connection, so keep it under DB_WRITE_POOL_SIZE. */
  DRAIN_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 8 }),
})
