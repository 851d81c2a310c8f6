import { describe, expect, it } from 'vitest'
import { loopbackAddressing } from './addressing.js'
import { oneWayDelayMs, wanLinks } from './links.js'
import { region } from './regions.js'
import { latencyToxics, wanProxies } from './wan.js'

describe('the WAN plan', () => {
  it('has one proxy per directed link, listening on its WAN port and forwarding to the far database', () => {
    const proxies = wanProxies(loopbackAddressing)
    expect(proxies.map((p) => p.name)).toEqual(wanLinks().map((l) => l.name))
    const toFrankfurt = proxies.find((p) => p.name === 'wan_ap-southeast-1_to_eu-central-1_mariadb')
    expect(toFrankfurt).toEqual({ name: toFrankfurt!.name, listen: '127.0.0.1:18901', upstream: `127.0.0.1:${region('eu-central-1').ports.mariadb}`, enabled: true })
  })

  it('adds scale × RTT/2 on both directions of every link', () => {
    const toxics = latencyToxics(0.5, 3)
    expect(toxics).toHaveLength(wanLinks().length * 2)
    for (const l of wanLinks()) {
      const mine = toxics.filter((t) => t.proxy === l.name)
      expect(mine.map((t) => t.toxic.stream).sort()).toEqual(['downstream', 'upstream'])
      for (const t of mine) expect(t.toxic).toMatchObject({ name: `latency_${t.toxic.stream}`, type: 'latency', attributes: { latency: oneWayDelayMs(l.from, l.to, 0.5), jitter: 3 } })
    }
  })

  it('adds no toxic at scale 0 without jitter', () => {
    expect(latencyToxics(0)).toEqual([])
    expect(latencyToxics(0, 5)).toHaveLength(wanLinks().length * 2)
  })
})
