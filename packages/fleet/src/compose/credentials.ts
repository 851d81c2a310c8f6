/**
 * The demo credentials of a compose fleet. Keys are fresh per seed and only their hashes are
 * stored, so the migrator prints them once (services/migrator); they are read back from its log.
 */
import type { DemoCredentials } from '@pos-fleet/platform/db/seed-demo'

const MARKER = 'credentials (shown once):'

export function credentialsFromMigratorLog(log: string): DemoCredentials {
  const at = log.indexOf(MARKER)
  if (at < 0) throw new Error(`the migrate container's log has no "${MARKER}" line: was the project not started fresh?`)
  const text = log.slice(at + MARKER.length)
  const start = text.indexOf('{')
  // The JSON is pretty-printed: its closing brace is the first line that is only "}".
  const end = text.search(/^\}$/m)
  if (start < 0 || end < 0) throw new Error('the credentials in the migrate container’s log are incomplete')
  const parsed = JSON.parse(text.slice(start, end + 1)) as DemoCredentials
  if (!Array.isArray(parsed.terminals) || !Array.isArray(parsed.inventoryManagers)) throw new Error('the migrate container printed no terminals or inventory managers')
  return parsed
}
