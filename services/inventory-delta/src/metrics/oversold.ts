import type { FastifyBaseLogger } from 'fastify'
import { meter, untraced } from '@pos-fleet/platform/metrics'
import type { DeltasRepository } from '../repositories/deltas-repository.js'

const oversold = meter.createObservableGauge('pos_inventory_oversold_skus', {
  description: 'store/SKU pairs below zero stock on this region’s replica, over every merchant (GET /v1/inventory/oversold lists a merchant’s)',
})

/** Counts oversold pairs on every metrics collection; a failed count leaves the gauge out of that scrape. */
export function observeOversold(deltas: Pick<DeltasRepository, 'oversoldCount'>, log: FastifyBaseLogger): void {
  oversold.addCallback(async (result) => {
    try {
      result.observe(await untraced(() => deltas.oversoldCount()))
    } catch (err) {
      log.debug({ err }, 'oversold count unavailable for this scrape')
    }
  })
}
