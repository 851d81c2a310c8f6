import fp from 'fastify-plugin'
import { type CatalogRepository, createCatalogRepository } from '../repositories/catalog-repository.js'
import { type SalesRepository, createSalesRepository } from '../repositories/sales-repository.js'
import type { SaleQueue } from '../store-and-forward/sale-queue.js'

export interface StorefrontRepositories {
  catalog: CatalogRepository
  sales: SalesRepository
}

declare module 'fastify' {
  interface FastifyInstance extends StorefrontRepositories {
    /** Store-and-forward queue; null: a sale answers 503 while the write path is down. */
    saleQueue: SaleQueue | null
  }
}

export interface RepositoriesOptions {
  /** Stand-ins for the database-backed repositories (in-process tests). */
  repositories?: Partial<StorefrontRepositories> | undefined
  queue?: SaleQueue | undefined
}

export const repositories = fp<RepositoriesOptions>(
  async (app, o) => {
    app.decorate('catalog', o.repositories?.catalog ?? createCatalogRepository(app.db.read, app.reference))
    app.decorate('sales', o.repositories?.sales ?? createSalesRepository(app.db, app.config.SESSION_WAIT_MS))
    app.decorate('saleQueue', o.queue ?? null)
  },
  { name: 'storefront-repositories', dependencies: ['pos-regional-context'] },
)
