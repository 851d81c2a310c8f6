import { Type } from '@sinclair/typebox'
import { Currency, Id, MinorUnits, Sku } from '@pos-fleet/platform/schemas'

export { SessionTokenHeaders, Sku } from '@pos-fleet/platform/schemas'

export const CatalogItem = Type.Object({ sku: Sku, name: Type.String(), priceMinor: MinorUnits, currency: Currency })

export const SaleRequest = Type.Object(
  {
    storeId: Id,
    lines: Type.Array(
      Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 100 },
    ),
    payment: Type.Object(
      {
        method: Type.Union([Type.Literal('card'), Type.Literal('cash')]),
        token: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^tok_[A-Za-z0-9_]+$' })),
        amountMinor: MinorUnits,
      },
      // A card payment needs the gateway's token.
      { additionalProperties: false, allOf: [{ if: { properties: { method: { const: 'card' } } }, then: { required: ['token'] } }] },
    ),
  },
  { additionalProperties: false },
)

export const SaleLine = Type.Object({
  lineNo: Type.Integer(),
  sku: Type.String(),
  quantity: Type.Integer(),
  unitPriceMinor: Type.Integer(),
  lineTotalMinor: Type.Integer(),
})

export const Sale = Type.Object({
  saleId: Type.String(),
  status: Type.String({ description: 'committed (or provisional in store-and-forward mode)' }),
  merchantId: Type.String(),
  storeId: Type.String(),
  terminalId: Type.String(),
  region: Type.String({ description: 'region whose storefront accepted the sale' }),
  totalMinor: Type.Integer(),
  currency: Type.String(),
  createdAt: Type.Optional(Type.String()),
  lines: Type.Array(SaleLine),
  payment: Type.Object({
    paymentId: Type.String(),
    method: Type.String(),
    status: Type.String({ description: 'pending → captured | declined' }),
    amountMinor: Type.Integer(),
    declineCode: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  }),
  sessionToken: Type.Optional(Type.String({ description: 'writer GTID position; send as X-Session-Token to read your write' })),
  readFrom: Type.Optional(Type.String({ description: 'replica | replica-after-wait | primary (writer region) | write-path' })),
})
