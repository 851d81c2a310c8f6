import fp from 'fastify-plugin'
import { type DeltasRepository, createDeltasRepository } from '../repositories/deltas-repository.js'
import type { DeltaQueue, QueuedSalesView } from '../store-and-forward/delta-queue.js'

declare module 'fastify' {
  interface FastifyInstance {
    deltas: DeltasRepository
    /** Store-and-forward; null: a delta answers 503 while the write path is down. */
    deltaQueue: DeltaQueue | null
    /** The storefront's queued sales, for the stock they will take; null: pendingLocal counts deltas only. */
    salesView: QueuedSalesView | null
  }
}

export interface RepositoriesOptions {
  /** A stand-in for the database-backed repository (in-process tests). */
  deltas?: DeltasRepository | undefined
  deltaQueue?: DeltaQueue | undefined
  salesView?: QueuedSalesView | undefined
}

export const repositories = fp<RepositoriesOptions>(
  async (app, o) => {
    app.decorate('deltas', o.deltas ?? createDeltasRepository(app.db, app.config.SESSION_WAIT_MS, app.reference))
    app.decorate('deltaQueue', o.deltaQueue ?? null)
    app.decorate('salesView', o.salesView ?? null)
  },
  { name: 'inventory-delta-repositories', dependencies: ['pos-regional-context'] },
)
