import type { LagState } from './db/replication-lag.js'
import type { WritePathBreaker } from './db/write-path.js'
import { meter } from './metrics.js'

const breakerOpen = meter.createObservableGauge('pos_write_path_breaker_open', {
  description: '1 while the write-path circuit breaker is open (sales and deltas go store-and-forward), else 0',
})
const breakerOpenFor = meter.createObservableGauge('pos_write_path_breaker_open_seconds', {
  unit: 's',
  description: 'how long the write-path breaker has been open (0 while closed)',
})
const replicationLag = meter.createObservableGauge('pos_replication_lag_seconds', {
  unit: 's',
  description: 'local replica clock minus the newest writer-stamped heartbeat it has applied (absent until the first sample)',
})

/** The regional state every service reports: its write-path breaker and its replica's lag. */
export function observeRegionalState(o: { writePath: WritePathBreaker; replicationLag: () => LagState }, now: () => number = Date.now): void {
  meter.addBatchObservableCallback(
    (result) => {
      const wp = o.writePath.state()
      result.observe(breakerOpen, wp.up ? 0 : 1)
      result.observe(breakerOpenFor, wp.openedAt === null ? 0 : (now() - wp.openedAt) / 1_000)
      const lag = o.replicationLag()
      if (lag.replicationLagMs !== null) result.observe(replicationLag, lag.replicationLagMs / 1_000)
    },
    [breakerOpen, breakerOpenFor, replicationLag],
  )
}
