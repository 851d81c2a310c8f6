import { Type } from '@sinclair/typebox'
import { loadConfig } from '@pos-fleet/platform/config'
import { runService } from '@pos-fleet/platform/lifecycle'
import { loggerOptions } from '@pos-fleet/platform/logger'
import { main } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { Ledger } from './ledger.js'

const GatewayEnv = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 1, maximum: 65535 }),
  GATEWAY_LEDGER_PATH: Type.String({ minLength: 1 }),
  GATEWAY_LATENCY_MS: Type.Integer({ minimum: 0, default: 30 }),
  GATEWAY_FAILURE_RATE: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  GATEWAY_TEST_NO_IDEMPOTENCY: Type.Boolean({
    default: false,
    description: 'TEST ONLY: charge on every call, never replaying a payment id, so a double capture is visible',
  }),
  LOG_LEVEL: Type.String({ default: 'info' }),
})

main(async () => {
  const config = loadConfig(GatewayEnv)
  const ledger = new Ledger(config.GATEWAY_LEDGER_PATH)
  const app = buildApp({
    ledger,
    latencyMs: config.GATEWAY_LATENCY_MS,
    failureRate: config.GATEWAY_FAILURE_RATE,
    noIdempotency: config.GATEWAY_TEST_NO_IDEMPOTENCY,
    logger: loggerOptions('payment-gateway-sandbox', 'global', config.LOG_LEVEL),
  })
  await runService({ app, closers: [async () => ledger.close()] }, { host: config.HOST, port: config.PORT }, 5_000)
})
