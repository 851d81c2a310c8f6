import { describe, expect, it } from 'vitest'
import { credentialsFromMigratorLog } from './credentials.js'

const credentials = {
  terminals: [{ merchantId: 'mer_a', storeId: 'sto_a', region: 'eu-central-1', terminalId: 'ter_a', apiKey: 'pos_term_x' }],
  inventoryManagers: [{ merchantId: 'mer_a', apiKey: 'pos_mgr_y' }],
}

describe('credentialsFromMigratorLog', () => {
  it('reads the keys the migrator printed once after its migrations', () => {
    const log = `migrations applied at mariadb-ap-southeast-1:18006/pos\ndemo tenants seeded; credentials (shown once):\n${JSON.stringify(credentials, null, 2)}\n`
    expect(credentialsFromMigratorLog(log)).toEqual(credentials)
  })

  it('says why when the seed had run before (its keys are gone)', () => {
    expect(() => credentialsFromMigratorLog('demo tenants already seeded: their keys were printed by the first run')).toThrow(/no "credentials \(shown once\):" line: was the project not started fresh/)
  })
})
