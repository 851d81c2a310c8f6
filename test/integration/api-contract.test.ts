import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { documentText } from '@pos-fleet/api-client/documents'
import { repoRoot } from '../../packages/fleet/src/infra/paths.js'
import { fleet } from '../support/fleet.js'
import { schemathesis } from '../support/schemathesis.js'
import { type Tenant, seedTenant } from '../support/tenants.js'

/**
 * The API contract checked from outside, on the running fleet. Each service serves the document
 * committed in docs/api/, and schemathesis, reading it from GET /openapi.json, generates requests
 * (valid ones, and invalid ones for every parameter, header and body field) and checks every
 * answer: no server error; the status, content type, headers and body the document declares;
 * invalid input refused, valid input accepted; 405 for a method the path does not answer. Every
 * operation is sent with the key its `security` names: the test's own tenant's terminal key
 * or inventory-manager key, so what the fuzzer sells and restocks touches no one else's data.
 */

const MAX_EXAMPLES = 40
const SEED = 16

let tenant: Tenant

describe('the API contract on the running fleet', () => {
  it.each(['storefront', 'inventory-delta'] as const)('%s serves GET /openapi.json exactly as committed in docs/api/', async (service) => {
    const url = service === 'storefront' ? fleet.regions[fleet.writer].storefront : fleet.regions[fleet.writer].inventoryDelta
    const served = await (await fetch(`${url}/openapi.json`)).json()
    expect(documentText(served)).toBe(readFileSync(join(repoRoot, 'docs/api', `${service}.openapi.json`), 'utf8'))
  })

  it.each(['storefront', 'inventory-delta'] as const)(
    '%s answers every request schemathesis generates from its document as the document says',
    async (service) => {
      tenant ??= await seedTenant()
      const till = tenant.till(fleet.writer)
      const r = await schemathesis({
        baseUrl: service === 'storefront' ? fleet.regions[fleet.writer].storefront : fleet.regions[fleet.writer].inventoryDelta,
        keys: { terminalKey: till.apiKey, inventoryManagerKey: tenant.managerKey },
        known: { storeId: till.storeId, skus: tenant.catalog.map((i) => i.sku) },
        maxExamples: MAX_EXAMPLES,
        seed: SEED,
      })
      process.stderr.write(`[schemathesis] ${service}: ${r.cases} test cases, ${r.failures.length} failed checks (exit ${r.exitCode})\n`)
      expect(r.failures, r.output.slice(-10_000)).toEqual([])
      expect(r.exitCode, r.output.slice(-10_000)).toBe(0)
      expect(r.cases).toBeGreaterThan(100)
    },
    300_000,
  )
})
