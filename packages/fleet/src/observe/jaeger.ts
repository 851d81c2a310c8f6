import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loopbackAddressing } from '@pos-fleet/topology'
import { OBSERVABILITY_PORTS as P } from '@pos-fleet/topology/observability'
import { toolModuleVersion } from '../gitops/tools.js'
import { cacheDir, stateDir } from '../infra/paths.js'
import { type RunningProcess, startProcess, untilReady, waitForHttp } from '../infra/processes.js'

/** Jaeger v2 tags its releases v1.x too; the module tools/jaeger requires is what bootstrap.sh built. */
export const JAEGER_VERSION = toolModuleVersion('jaeger', 'github.com/jaegertracing/jaeger')
const jaegerBin = join(cacheDir, 'jaeger', JAEGER_VERSION, 'bin', 'jaeger')

const host = loopbackAddressing.bindHost
export const jaegerUrl = `http://${host}:${P.jaegerQuery}`

/**
 * Jaeger v2's all-in-one pipeline (OTLP/HTTP in, in-memory store, query API) on the fleet's
 * loopback ports. Written as JSON, which is YAML too. Its own telemetry is off: nothing
 * scrapes it, and its default port (8888) is outside the fleet's range.
 */
export function jaegerConfig(): object {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
    },
    extensions: {
      jaeger_query: {
        storage: { traces: 'memstore' },
        http: { endpoint: `${host}:${P.jaegerQuery}` },
        grpc: { endpoint: `${host}:${P.jaegerQueryGrpc}` },
      },
      jaeger_storage: { backends: { memstore: { memory: { max_traces: 20_000 } } } },
      healthcheckv2: { use_v2: true, http: { endpoint: `${host}:${P.jaegerHealth}` } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: `${host}:${P.jaegerOtlpHttp}` } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  }
}

export async function startJaeger(): Promise<RunningProcess> {
  const dir = join(stateDir, 'jaeger')
  mkdirSync(dir, { recursive: true })
  const config = join(dir, 'config.yaml')
  writeFileSync(config, `${JSON.stringify(jaegerConfig(), null, 2)}\n`)
  const proc = await startProcess({
    name: 'jaeger',
    command: jaegerBin,
    args: ['--config', config],
    ports: [P.jaegerQuery, P.jaegerOtlpHttp, P.jaegerHealth, P.jaegerQueryGrpc],
  })
  await untilReady(proc, (signal) => waitForHttp(`${jaegerUrl}/api/services`, 30_000, signal))
  return proc
}
