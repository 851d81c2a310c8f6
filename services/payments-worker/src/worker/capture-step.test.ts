import { describe, expect, it } from 'vitest'
import { retryDelayMs } from '../domain/backoff.js'
import { type CaptureRequest, type CaptureResult, type PaymentGateway, PermanentGatewayError, TransientGatewayError } from '../gateway/payment-gateway.js'
import { GATEWAY_REJECTED, type PendingPayment, captureStep } from './capture-step.js'

const card: PendingPayment = { id: 'pay-1', status: 'pending', method: 'card', token: 'tok_visa', amountMinor: 350, currency: 'EUR' }

/** A gateway that answers with `answer` and records what it was asked. */
function gateway(answer: (r: CaptureRequest) => Promise<CaptureResult>) {
  const calls: CaptureRequest[] = []
  const g: PaymentGateway = { capture: (r) => (calls.push(r), answer(r)) }
  return { g, calls }
}

describe('captureStep', () => {
  it('finishes as captured with the charge id when the gateway approves', async () => {
    const { g, calls } = gateway(async () => ({ outcome: 'captured', chargeId: 'ch_1' }))
    expect(await captureStep(card, 0, g)).toEqual({ kind: 'finish', settlement: { outcome: 'captured', chargeId: 'ch_1' } })
    expect(calls).toEqual([{ paymentId: 'pay-1', token: 'tok_visa', amountMinor: 350, currency: 'EUR' }])
  })

  it('finishes as declined with the gateway decline code', async () => {
    const { g } = gateway(async () => ({ outcome: 'declined', chargeId: 'ch_2', declineCode: 'card_declined' }))
    expect(await captureStep(card, 0, g)).toEqual({ kind: 'finish', settlement: { outcome: 'declined', chargeId: 'ch_2', declineCode: 'card_declined' } })
  })

  it('captures cash without calling the gateway', async () => {
    const { g, calls } = gateway(async () => ({ outcome: 'captured', chargeId: 'x' }))
    expect(await captureStep({ ...card, method: 'cash', token: null }, 0, g)).toEqual({ kind: 'finish', settlement: { outcome: 'captured', chargeId: null } })
    expect(calls).toEqual([])
  })

  it('skips a payment that is no longer pending (finished by an earlier attempt) without calling the gateway', async () => {
    const { g, calls } = gateway(async () => ({ outcome: 'captured', chargeId: 'x' }))
    expect(await captureStep({ ...card, status: 'captured' }, 3, g)).toEqual({ kind: 'skip' })
    expect(await captureStep(undefined, 0, g)).toEqual({ kind: 'skip' })
    expect(calls).toEqual([])
  })

  it('retries a transient failure with a backoff that grows with the attempts', async () => {
    const { g } = gateway(async () => {
      throw new TransientGatewayError('gateway answered 503')
    })
    const first = await captureStep(card, 0, g)
    const fourth = await captureStep(card, 3, g)
    expect(first).toEqual({ kind: 'retry', delayMs: retryDelayMs(1), error: 'gateway answered 503' })
    expect(fourth).toMatchObject({ kind: 'retry', delayMs: retryDelayMs(4) })
    expect(retryDelayMs(4)).toBeGreaterThan(retryDelayMs(1))
  })

  it('gives up on a request the gateway refuses: declined as gateway_rejected, with the reason', async () => {
    const { g } = gateway(async () => {
      throw new PermanentGatewayError('gateway refused the capture request: 400')
    })
    expect(await captureStep(card, 0, g)).toEqual({
      kind: 'finish',
      settlement: { outcome: 'declined', chargeId: null, declineCode: GATEWAY_REJECTED },
      gaveUp: 'gateway refused the capture request: 400',
    })
  })

  it('lets an error that is not the gateway\'s through, so the batch rolls back and runs again', async () => {
    const { g } = gateway(async () => {
      throw new RangeError('bug')
    })
    await expect(captureStep(card, 0, g)).rejects.toThrow(RangeError)
  })
})
