import { createHash, randomBytes } from 'node:crypto'
import canonicalize from 'canonicalize'

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/**
 * RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16 code units, ECMAScript number
 * form, so the same body always hashes the same whatever its key order or spacing.
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null'
}

/** The idempotency fingerprint of a request body (stored as sales.request_hash). */
export function requestFingerprint(body: unknown): string {
  return sha256Hex(canonicalJson(body))
}

/** A new API key: shown once to its owner; only its SHA-256 is stored. */
export function newApiKey(prefix: 'pos_term' | 'pos_mgr'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`
}
