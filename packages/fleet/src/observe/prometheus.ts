import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loopbackAddressing, regions } from '@pos-fleet/topology'
import { OBSERVABILITY_PORTS as P } from '@pos-fleet/topology/observability'
import { serviceLaunches } from '@pos-fleet/topology/services'
import { requireExecutable, stateDir } from '../infra/paths.js'
import { type RunningProcess, startProcess, untilReady, waitForHttp } from '../infra/processes.js'

const host = loopbackAddressing.bindHost
export const prometheusUrl = `http://${host}:${P.prometheus}`

/**
 * Every service process the fleet can run, in every region it can run in: payments-worker
 * follows the writer, so each region's worker port is a target (down where it does not run
 * now) and a failover needs no new configuration. Labels: service, region.
 */
export function scrapeTargets(): Array<{ targets: string[]; labels: Record<string, string> }> {
  const byName = new Map<string, { targets: string[]; labels: Record<string, string> }>()
  for (const writer of regions.map((r) => r.id)) {
    for (const l of serviceLaunches({ writer, addressing: loopbackAddressing, logLevel: 'info', gatewayLedgerPath: '' })) {
      byName.set(l.name, { targets: [`${host}:${l.port}`], labels: { service: l.service, ...(l.region ? { region: l.region } : {}) } })
    }
  }
  return [...byName.values()]
}

/** Prometheus's configuration, as JSON (which is YAML too). */
export function prometheusConfig(): object {
  return {
    global: { scrape_interval: '5s', evaluation_interval: '5s' },
    scrape_configs: [{ job_name: 'pos-fleet', metrics_path: '/metrics', static_configs: scrapeTargets() }],
  }
}

/** Debian's `prometheus`, with its own config and data under .pos-fleet (kept 1 day). */
export async function startPrometheus(): Promise<RunningProcess> {
  const dir = join(stateDir, 'prometheus')
  mkdirSync(join(dir, 'data'), { recursive: true })
  const config = join(dir, 'prometheus.yml')
  writeFileSync(config, `${JSON.stringify(prometheusConfig(), null, 2)}\n`)
  const proc = await startProcess({
    name: 'prometheus',
    command: requireExecutable('prometheus'),
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=1d',
      `--web.listen-address=${host}:${P.prometheus}`,
    ],
    ports: [P.prometheus],
  })
  await untilReady(proc, (signal) => waitForHttp(`${prometheusUrl}/-/ready`, 30_000, signal))
  return proc
}
