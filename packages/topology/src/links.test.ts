import { describe, expect, it } from 'vitest'
import { REGION_IDS, oneWayDelayMs, regions, rttMatrix, rttMs, topology, wanLink, wanLinks } from './index.js'

describe('topology', () => {
  it('has a symmetric RTT between every pair of regions', () => {
    for (const a of REGION_IDS) for (const b of REGION_IDS) expect(rttMs(a, b)).toBe(rttMs(b, a))
    expect(rttMs('ap-southeast-1', 'eu-central-1')).toBe(160)
    expect(rttMs('ap-southeast-1', 'us-east-1')).toBe(220)
    expect(rttMs('eu-central-1', 'us-east-1')).toBe(90)
  })

  it('applies half the RTT each way, scaled', () => {
    expect(oneWayDelayMs('eu-central-1', 'ap-southeast-1')).toBe(80)
    expect(oneWayDelayMs('eu-central-1', 'ap-southeast-1', 0.5)).toBe(40)
  })

  it('lists the matrix without self-links', () => {
    expect(rttMatrix()['eu-central-1']).toEqual({ 'ap-southeast-1': 160, 'us-east-1': 90 })
  })

  it('gives every port exactly one owner', () => {
    const ports = [
      ...regions.flatMap((r) => Object.values(r.ports)),
      ...wanLinks().map((l) => l.listenPort),
      topology.toxiproxy.apiPort,
      topology.paymentGateway.port,
    ]
    expect(new Set(ports).size).toBe(ports.length)
  })

  it('has a WAN link in both directions between every pair', () => {
    expect(wanLinks()).toHaveLength(6)
    expect(wanLink('eu-central-1', 'ap-southeast-1').upstreamPort).toBe(regions[0]!.ports.mariadb)
  })

  it('names a writer that is one of the regions', () => {
    expect(REGION_IDS).toContain(topology.writer)
  })
})
