/**
 * Resolves on SIGINT or SIGTERM. Signal listeners do not keep Node running, and the fleet's
 * processes are detached: without the timer the event loop empties and `fleet up` would exit
 * at once (code 13, an unsettled top-level await) with the fleet left running.
 */
export function untilSignalled(): Promise<void> {
  const keepAlive = setInterval(() => undefined, 60_000)
  return new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(keepAlive)
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
