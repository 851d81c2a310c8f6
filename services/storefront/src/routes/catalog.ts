import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { terminalOf } from '@pos-fleet/platform/auth'
import { problemResponse, securedBy } from '@pos-fleet/platform/openapi'
import { Problem } from '@pos-fleet/platform/problem'
import { CatalogItem, Sku } from './schemas.js'

const PAGE_SIZE = 50
const TERMINALS_ONLY = problemResponse('The key is not a terminal key')

/** GET /v1/catalog/items[/:sku]: the terminal's merchant's catalog, from the local replica. */
export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/catalog/items',
    {
      schema: {
        operationId: 'listCatalogItems',
        summary: "A page of the terminal's merchant's catalog, by SKU",
        tags: ['catalog'],
        security: securedBy('terminalKey'),
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: PAGE_SIZE })),
            cursor: Type.Optional(Sku),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { items: Type.Array(CatalogItem), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'cursor of the next page; null on the last' }) },
            { description: 'A page of catalog items' },
          ),
          403: TERMINALS_ONLY,
        },
      },
    },
    async (request) => {
      const principal = terminalOf(request)
      const limit = request.query.limit ?? PAGE_SIZE
      const items = await app.catalog.page(principal.merchantId, request.query.cursor, limit)
      const nextCursor = items.length === limit ? items[items.length - 1]!.sku : null
      return { items, nextCursor }
    },
  )

  app.get(
    '/catalog/items/:sku',
    {
      schema: {
        operationId: 'getCatalogItem',
        summary: 'One catalog item',
        tags: ['catalog'],
        security: securedBy('terminalKey'),
        params: Type.Object({ sku: Sku }),
        response: { 200: CatalogItem, 403: TERMINALS_ONLY, 404: problemResponse('No such SKU in the merchant\'s catalog') },
      },
    },
    async (request) => {
      const item = await app.catalog.item(terminalOf(request).merchantId, request.params.sku)
      if (!item) throw new Problem('not-found', `no catalog item ${request.params.sku}`)
      return item
    },
  )
}
