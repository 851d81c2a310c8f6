import { Type } from '@sinclair/typebox'
import { SESSION_TOKEN_PATTERN } from './db/session-token.js'

/** Schema pieces shared by the services' routes (and so by their OpenAPI documents). */
export const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' })
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })
export const Currency = Type.String({ pattern: '^[A-Z]{3}$' })
export const MinorUnits = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })

export const SessionTokenHeaders = Type.Object({
  'x-session-token': Type.Optional(
    Type.String({ pattern: SESSION_TOKEN_PATTERN, maxLength: 1024, description: 'sessionToken of an earlier write, to read it back' }),
  ),
})

export { ProblemSchema } from './problem.js'
