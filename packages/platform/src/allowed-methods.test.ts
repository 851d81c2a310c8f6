import { describe, expect, it } from 'vitest'
import { createMethodTable } from './allowed-methods.js'

describe('createMethodTable', () => {
  const table = createMethodTable()
  table.add('/v1/sales', 'POST')
  table.add('/v1/sales/:saleId', ['GET', 'HEAD'])
  table.add('/v1/catalog/items', 'GET')

  it('lists the methods routed at a path, parameters matched per segment', () => {
    expect(table.allowed('/v1/sales')).toEqual(['POST'])
    expect(table.allowed('/v1/sales/0b6c3f1e')).toEqual(['GET', 'HEAD'])
  })

  it('lists nothing for a path no route matches', () => {
    expect(table.allowed('/v1/sales/a/b')).toEqual([])
    expect(table.allowed('/v1/catalog/items.json')).toEqual([])
  })
})
