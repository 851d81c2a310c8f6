import { describe, expect, it } from 'vitest'
import { DURABILITY_MODES, SEMI_SYNC_TIMEOUT_MS, isDurability } from './durability.js'
import { mariadbServerSettings } from './mariadb-settings.js'
import { REGION_IDS } from './regions.js'

const semiSync = (settings: Array<[string, string | number]>) => Object.fromEntries(settings.filter(([k]) => k.startsWith('rpl_semi_sync_')))

describe('durability modes in the MariaDB settings', () => {
  it.each(REGION_IDS)('gives every instance both semi-sync sides in semi-sync mode, whichever region writes (writer %s)', (writer) => {
    for (const region of REGION_IDS) {
      expect(semiSync(mariadbServerSettings(region, writer, 'semi-sync')), region).toEqual({
        rpl_semi_sync_master_enabled: 'ON',
        rpl_semi_sync_slave_enabled: 'ON',
        rpl_semi_sync_master_wait_point: 'AFTER_SYNC',
        rpl_semi_sync_master_timeout: SEMI_SYNC_TIMEOUT_MS,
        rpl_semi_sync_master_wait_no_slave: 'ON',
      })
    }
  })

  it('configures no semi-sync setting in async mode, the default', () => {
    for (const region of REGION_IDS) {
      expect(semiSync(mariadbServerSettings(region, 'ap-southeast-1', 'async')), region).toEqual({})
      expect(mariadbServerSettings(region)).toEqual(mariadbServerSettings(region, 'ap-southeast-1', 'async'))
    }
  })

  it('changes nothing else between the modes', () => {
    for (const region of REGION_IDS) {
      const other = (mode: (typeof DURABILITY_MODES)[number]) => mariadbServerSettings(region, 'ap-southeast-1', mode).filter(([k]) => !k.startsWith('rpl_semi_sync_'))
      expect(other('semi-sync')).toEqual(other('async'))
    }
  })

  it('knows exactly the two modes', () => {
    expect(DURABILITY_MODES.filter(isDurability)).toEqual(['async', 'semi-sync'])
    for (const bad of ['sync', 'Semi-Sync', '']) expect(isDurability(bad), bad).toBe(false)
  })
})
