import { describe, expect, it } from 'vitest'
import { bareServerScript } from './bare-server-process.js'

describe('bareServerScript', () => {
  it('runs the compiled sibling from dist/', () => {
    expect(bareServerScript('file:///app/packages/fleet/dist/loadtest/bare-server-process.js')).toBe('/app/packages/fleet/dist/loadtest/bare-catalog-server.js')
  })
  it('maps a src/ module (tsx, vitest) to the same file under dist/, only the package-level src', () => {
    expect(bareServerScript('file:///home/src/pos/packages/fleet/src/loadtest/bare-server-process.ts')).toBe('/home/src/pos/packages/fleet/dist/loadtest/bare-catalog-server.js')
  })
})
