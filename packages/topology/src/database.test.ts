import { describe, expect, it } from 'vitest'
import { type Addressing, loopbackAddressing } from './addressing.js'
import { type AccountName, DB_USERS, GRANTS, changeMasterStatement, databaseUrls, primaryBootstrapStatements, sqlString } from './database.js'
import { globalProxy, wanLink } from './links.js'
import { REGION_IDS, region } from './regions.js'

const containers: Addressing = { bindHost: '0.0.0.0', host: (s, r) => `${s}-${r}`, wanHost: 'toxiproxy', gatewayHost: 'gateway' }

describe('database accounts and grants', () => {
  it('grants every account something, and the application accounts nothing server-wide', () => {
    for (const name of Object.keys(DB_USERS) as AccountName[]) expect(GRANTS.some((g) => g.account === name), name).toBe(true)
    expect(GRANTS.filter((g) => g.account === 'app' || g.account === 'migrator').map((g) => g.scope)).toEqual(['database', 'database'])
  })

  it('bootstraps the database, every account and every grant, in that order', () => {
    const statements = primaryBootstrapStatements()
    expect(statements[0]).toBe('CREATE DATABASE IF NOT EXISTS pos CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci')
    for (const { user, password } of Object.values(DB_USERS)) expect(statements).toContain(`CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}'`)
    expect(statements).toContain("GRANT SELECT, INSERT, UPDATE, DELETE ON pos.* TO 'pos_app'@'%'")
    expect(statements).toContain("GRANT REPLICATION SLAVE ON *.* TO 'pos_repl'@'%'")
    expect(statements).toHaveLength(1 + Object.keys(DB_USERS).length + GRANTS.length)
    const firstGrant = statements.findIndex((s) => s.startsWith('GRANT'))
    expect(statements.slice(0, firstGrant).every((s) => s.startsWith('CREATE'))).toBe(true)
  })

  it('quotes SQL strings, backslashes included', () => {
    expect(sqlString("it's")).toBe("'it''s'")
    expect(sqlString('a\\b')).toBe("'a\\\\b'")
  })
})

describe('replication', () => {
  it('lets every region replicate from every other as writer, through the WAN link between them', () => {
    for (const writer of REGION_IDS) {
      for (const replica of REGION_IDS.filter((r) => r !== writer)) {
        const statement = changeMasterStatement(replica, containers, writer)
        expect(statement).toContain(`MASTER_HOST='toxiproxy', MASTER_PORT=${wanLink(replica, writer).listenPort},`)
        expect(statement).toContain(`MASTER_USER='${DB_USERS.replication.user}'`)
        expect(statement).toContain('MASTER_USE_GTID=slave_pos')
      }
      expect(() => changeMasterStatement(writer, containers, writer)).toThrow(/itself/)
    }
  })
})

describe('databaseUrls', () => {
  it('reads locally, writes through the region\'s own global proxy (the writer\'s too) and migrates at the writer directly', () => {
    const reader = databaseUrls('eu-central-1', 'ap-southeast-1', containers)
    expect(reader.read).toBe(`mysql://pos_app:pos-app-local-demo@mariadb-eu-central-1:${region('eu-central-1').ports.mariadb}/pos`)
    expect(reader.write).toBe(`mysql://pos_app:pos-app-local-demo@toxiproxy:${globalProxy('eu-central-1').listenPort}/pos`)
    expect(reader.migrate).toBe(`mysql://pos_migrator:pos-migrator-local-demo@mariadb-ap-southeast-1:${region('ap-southeast-1').ports.mariadb}/pos`)
    const writer = databaseUrls('ap-southeast-1', 'ap-southeast-1', loopbackAddressing)
    expect(writer.write).toBe(`mysql://pos_app:pos-app-local-demo@127.0.0.1:${globalProxy('ap-southeast-1').listenPort}/pos`)
    expect(writer.read).toContain('@127.0.0.1:')
  })
})
