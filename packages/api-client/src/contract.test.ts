import { describe, expect, it } from 'vitest'
import { SERVICES, openApiDocument } from './documents.js'
import { artefacts, committed } from './generate.js'

describe('the API contract', () => {
  it('the committed documents and client types are what the route schemas generate (else: pnpm --filter @pos-fleet/api-client generate)', async () => {
    for (const a of await artefacts()) {
      expect(await committed(a.file), a.file.pathname).toBe(a.text)
    }
  })

  it.each(SERVICES)('%s declares OpenAPI 3.1 with an operationId, a summary and its statuses on every /v1 operation', async (service) => {
    const doc = (await openApiDocument(service)) as { openapi: string; paths: Record<string, Record<string, any>>; components: any }
    expect(doc.openapi).toBe('3.1.0')
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`
        expect(op.summary, where).toBeTruthy()
        const statuses = Object.keys(op.responses)
        expect(statuses, where).toContain('503')
        if (op.requestBody) expect(statuses, where).toEqual(expect.arrayContaining(['400', '413', '415']))
        if (!path.startsWith('/v1/')) continue
        expect(op.operationId, where).toBeTruthy()
        for (const s of statuses.filter((x) => Number(x) >= 400)) expect(Object.keys(op.responses[s].content), `${where} ${s}`).toContain('application/problem+json')
        if (service === 'storefront' || service === 'inventory-delta') {
          expect(op.security?.length, `${where} security`).toBeGreaterThan(0)
          for (const req of op.security) for (const scheme of Object.keys(req)) expect(doc.components.securitySchemes[scheme], scheme).toBeDefined()
          expect(statuses, where).toContain('401')
        }
      }
    }
  })
})
