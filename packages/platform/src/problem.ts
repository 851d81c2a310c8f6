import { Type } from '@sinclair/typebox'

/** Every problem the fleet can answer with. Closed: adding one forces a status below. */
export type ProblemCode =
  | 'validation-failed'
  | 'malformed-json'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'store-not-found'
  | 'unknown-sku'
  | 'currency-mismatch'
  | 'amount-mismatch'
  | 'idempotency-key-missing'
  | 'idempotency-key-reused'
  | 'delta-conflict'
  | 'write-path-unavailable'
  | 'offline-floor-limit-exceeded'
  | 'not-ready'
  | 'temporarily-unavailable'
  | 'internal'

export function statusOf(code: ProblemCode): number {
  switch (code) {
    case 'validation-failed':
    case 'malformed-json':
    case 'idempotency-key-missing':
      return 400
    case 'unauthorized':
      return 401
    case 'forbidden':
      return 403
    case 'not-found':
    case 'store-not-found':
      return 404
    case 'method-not-allowed':
      return 405
    case 'delta-conflict':
      return 409
    case 'payload-too-large':
      return 413
    case 'unsupported-media-type':
      return 415
    case 'unknown-sku':
    case 'currency-mismatch':
    case 'amount-mismatch':
    case 'idempotency-key-reused':
      return 422
    case 'write-path-unavailable':
    case 'offline-floor-limit-exceeded':
    case 'not-ready':
    case 'temporarily-unavailable':
      return 503
    case 'internal':
      return 500
  }
}

const TITLES: Record<ProblemCode, string> = {
  'validation-failed': 'The request is not valid',
  'malformed-json': 'The request body is not valid JSON',
  'unsupported-media-type': 'The request body must be application/json',
  'payload-too-large': 'The request body is too large',
  unauthorized: 'Missing or invalid API key',
  forbidden: 'This API key may not do that',
  'not-found': 'Not found',
  'method-not-allowed': 'The resource does not answer this method',
  'store-not-found': 'Store not found for this merchant',
  'unknown-sku': 'Unknown SKU',
  'currency-mismatch': 'Items are priced in different currencies',
  'amount-mismatch': 'Payment amount does not equal the sale total',
  'idempotency-key-missing': 'Idempotency-Key header is required',
  'idempotency-key-reused': 'Idempotency-Key was already used with a different request',
  'delta-conflict': 'deltaId was already used with different content',
  'write-path-unavailable': 'The write path to the writer region is unavailable',
  'offline-floor-limit-exceeded': 'Card sale above the offline floor limit while the region is offline',
  'not-ready': 'Not ready',
  'temporarily-unavailable': 'Temporarily unavailable, retry later',
  internal: 'Internal error',
}

export const PROBLEM_TYPE_BASE = 'https://pos-fleet.io/problems/'

/** Thrown by handlers and domain code; the error handler renders it as problem+json. */
export class Problem extends Error {
  readonly status: number
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? TITLES[code])
    this.name = 'Problem'
    this.status = statusOf(code)
  }

  toJSON(instance?: string): ProblemBody {
    return {
      type: PROBLEM_TYPE_BASE + this.code,
      title: TITLES[this.code],
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extra,
    }
  }
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  [extra: string]: unknown
}

/** RFC 9457 problem details, for route response schemas and the OpenAPI document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem', additionalProperties: true },
)
