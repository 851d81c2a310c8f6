import type { App } from './http.js'

export interface ServiceHandle {
  app: App
  /** Closed in order after the HTTP server has drained (consumers, pools, producers). */
  closers: Array<() => Promise<unknown>>
}

/**
 * The process entry's half of a service: listen, then on SIGTERM/SIGINT stop taking
 * requests, let in-flight ones finish, close the dependencies in order and exit.
 * A hard deadline makes a wedged dependency unable to keep the pod alive forever.
 */
export async function runService(handle: ServiceHandle, listen: { host: string; port: number }, graceMs: number): Promise<void> {
  const { app, closers } = handle
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'draining')
    const deadline = setTimeout(() => {
      app.log.error({ graceMs }, 'drain deadline passed; exiting')
      process.exit(1)
    }, graceMs)
    deadline.unref()
    try {
      await app.close()
      for (const close of closers) await close()
      app.log.info('drained')
      process.exit(0)
    } catch (err) {
      app.log.error({ err }, 'error while draining')
      process.exit(1)
    }
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
  await app.listen(listen)
}
