import type { FastifyServerOptions } from 'fastify'

/**
 * pino options for every service. Trace and span ids are added to each line by the
 * OpenTelemetry pino instrumentation (see telemetry.ts), so logs join their traces.
 */
export function loggerOptions(service: string, region: string, level: string): FastifyServerOptions['logger'] {
  return {
    level,
    base: { service, region },
    redact: ['req.headers.authorization'],
  }
}
