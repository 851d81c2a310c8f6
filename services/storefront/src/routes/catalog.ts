import { Type } from '@sinclair/typebox'
import type { App } from '@pos-fleet/platform/http'
import { Problem } from '@pos-fleet/platform/problem'
import type { CatalogRepository } from '../repositories/catalog-repository.js'
import { CatalogItem, Problem as ProblemSchema, Sku } from './schemas.js'
import { terminalOf } from '@pos-fleet/platform/auth'

export function registerCatalogRoutes(app: App, catalog: CatalogRepository): void {
  app.get(
    '/v1/catalog/items',
    {
      schema: {
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Sku),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(CatalogItem), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          400: ProblemSchema,
          401: ProblemSchema,
        },
      },
    },
    async (request) => {
      const principal = terminalOf(request)
      const items = await catalog.page(principal.merchantId, request.query.cursor, request.query.limit)
      const nextCursor = items.length === request.query.limit ? items[items.length - 1]!.sku : null
      return { items, nextCursor }
    },
  )

  app.get(
    '/v1/catalog/items/:sku',
    {
      schema: {
        params: Type.Object({ sku: Sku }),
        response: { 200: CatalogItem, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const item = await catalog.item(terminalOf(request).merchantId, request.params.sku)
      if (!item) throw new Problem('not-found', `no catalog item ${request.params.sku}`)
      return item
    },
  )
}
