import closeWithGrace from 'close-with-grace'
import type { App } from './http.js'

export interface ServiceHandle {
  app: App
  /** Closed in order after the HTTP server has drained (consumers, pools, producers). */
  closers: Array<() => Promise<unknown>>
}

/**
 * The process entry's half of a service: listen, then on SIGTERM/SIGINT (or a crash)
 * stop taking requests, let in-flight ones finish, close the dependencies in order and
 * exit. close-with-grace's delay makes a wedged dependency unable to keep the pod alive.
 */
export async function runService(handle: ServiceHandle, listen: { host: string; port: number }, graceMs: number): Promise<void> {
  const { app, closers } = handle
  closeWithGrace({ delay: graceMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'crashed; draining')
    else app.log.info({ signal }, 'draining')
    await app.close()
    for (const close of closers) await close()
    app.log.info('drained')
  })
  await app.listen(listen)
}
