import { Type } from '@sinclair/typebox'
import { SESSION_TOKEN_PATTERN } from './db/session-token.js'

/** Schema pieces shared by the services' routes (and so by their OpenAPI documents). */
export const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' })
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })
export const Currency = Type.String({ pattern: '^[A-Z]{3}$' })
export const MinorUnits = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })

export const SessionTokenHeaders = Type.Object({
  'x-session-token': Type.Optional(
    // Empty is the same as absent (a terminal with no write yet may send the header empty), as the readers treat it.
    Type.String({
      pattern: `^(${SESSION_TOKEN_PATTERN.slice(1, -1)})?$`,
      maxLength: 1024,
      description: 'sessionToken of an earlier write, to read it back; empty: none',
    }),
  ),
})

export { ProblemSchema } from './problem.js'
