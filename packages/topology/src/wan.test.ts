import { describe, expect, it } from 'vitest'
import { loopbackAddressing } from './addressing.js'
import { globalProxies, oneWayDelayMs, promotionCandidates, wanLinks } from './links.js'
import { region } from './regions.js'
import { latencyToxics, wanProxies } from './wan.js'

describe('the WAN plan', () => {
  it('has one proxy per directed link, listening on its WAN port and forwarding to the far database', () => {
    const proxies = wanProxies(loopbackAddressing)
    expect(proxies.map((p) => p.name)).toEqual([...wanLinks(), ...globalProxies()].map((l) => l.name))
    const toFrankfurt = proxies.find((p) => p.name === 'wan_ap-southeast-1_to_eu-central-1_mariadb')
    expect(toFrankfurt).toEqual({ name: toFrankfurt!.name, listen: '127.0.0.1:18901', upstream: `127.0.0.1:${region('eu-central-1').ports.mariadb}`, enabled: true })
  })

  it('adds scale × RTT/2 on both directions of every link', () => {
    const toxics = latencyToxics(0.5, 3)
    expect(toxics).toHaveLength((wanLinks().length + globalProxies().length) * 2)
    for (const l of wanLinks()) {
      const mine = toxics.filter((t) => t.proxy === l.name)
      expect(mine.map((t) => t.toxic.stream).sort()).toEqual(['downstream', 'upstream'])
      for (const t of mine) expect(t.toxic).toMatchObject({ name: `latency_${t.toxic.stream}`, type: 'latency', attributes: { latency: oneWayDelayMs(l.from, l.to, 0.5), jitter: 3 } })
    }
  })

  it('adds no toxic at scale 0 without jitter', () => {
    expect(latencyToxics(0)).toEqual([])
    expect(latencyToxics(0, 5)).toHaveLength((wanLinks().length + globalProxies().length) * 2)
  })

  it("aims every region's global write proxy at the writer, with that pair's latency and none at the writer itself", () => {
    for (const writer of ['ap-southeast-1', 'eu-central-1'] as const) {
      const globals = wanProxies(loopbackAddressing, writer).filter((p) => p.name.startsWith('global_'))
      expect(globals.map((p) => p.upstream)).toEqual(globalProxies().map(() => `127.0.0.1:${region(writer).ports.mariadb}`))
      const toxics = latencyToxics(1, 0, writer).filter((t) => t.proxy.startsWith('global_'))
      for (const p of globalProxies()) {
        const latencies = toxics.filter((t) => t.proxy === p.name).map((t) => t.toxic.attributes.latency)
        expect(latencies, `${p.region} → ${writer}`).toEqual(p.region === writer ? [] : [oneWayDelayMs(p.region, writer), oneWayDelayMs(p.region, writer)])
      }
    }
    expect(globalProxies().map((p) => p.listenPort)).toEqual([18950, 18951, 18952])
  })

  it('ranks promotion candidates by their summed RTT to the others', () => {
    expect(promotionCandidates()).toEqual(['eu-central-1', 'us-east-1', 'ap-southeast-1'])
  })
})
