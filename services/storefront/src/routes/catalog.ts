import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { terminalOf } from '@pos-fleet/platform/auth'
import { Problem } from '@pos-fleet/platform/problem'
import { CatalogItem, Problem as ProblemSchema, Sku } from './schemas.js'

/** GET /v1/catalog/items[/:sku]: the terminal's merchant's catalog, from the local replica. */
export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/catalog/items',
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
      const items = await app.catalog.page(principal.merchantId, request.query.cursor, request.query.limit)
      const nextCursor = items.length === request.query.limit ? items[items.length - 1]!.sku : null
      return { items, nextCursor }
    },
  )

  app.get(
    '/catalog/items/:sku',
    {
      schema: {
        params: Type.Object({ sku: Sku }),
        response: { 200: CatalogItem, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const item = await app.catalog.item(terminalOf(request).merchantId, request.params.sku)
      if (!item) throw new Problem('not-found', `no catalog item ${request.params.sku}`)
      return item
    },
  )
}
