export type StopReason = 'signal' | 'gone'

export interface UntilSignalledOptions {
  /**
   * Polled every `pollMs`: true once what the foreground process holds has been stopped by
   * someone else (`fleet down` in another terminal). The wait then ends with 'gone', so the
   * caller exits instead of lingering — and a later Ctrl-C cannot stop a newer fleet.
   */
  readonly gone?: () => boolean
  readonly pollMs?: number
}

/**
 * Resolves on SIGINT or SIGTERM ('signal'), or once `gone` says so ('gone'). Signal listeners
 * do not keep Node running, and the fleet's processes are detached: without the timer the event
 * loop empties and `fleet up` would exit at once (code 13, an unsettled top-level await) with
 * the fleet left running.
 */
export function untilSignalled(o: UntilSignalledOptions = {}): Promise<StopReason> {
  return new Promise<StopReason>((resolve) => {
    const timer = setInterval(() => {
      if (o.gone?.()) stop('gone')
    }, o.gone ? (o.pollMs ?? 1_000) : 60_000)
    const onSignal = () => stop('signal')
    function stop(reason: StopReason) {
      clearInterval(timer)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve(reason)
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  })
}
