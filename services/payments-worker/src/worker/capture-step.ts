import { retryDelayMs } from '../domain/backoff.js'
import { type CaptureResult, type PaymentGateway, PermanentGatewayError, TransientGatewayError } from '../gateway/payment-gateway.js'

export interface PendingPayment {
  id: string
  status: string
  method: string
  token: string | null
  amountMinor: number
  currency: string
}

/** How a payment ends: the gateway's answer, or ours (cash needs no gateway; a refused request is declined). */
export type Settlement = CaptureResult | { outcome: 'captured'; chargeId: null } | { outcome: 'declined'; chargeId: null; declineCode: string }

export type CaptureStep =
  /** Not pending any more (finished by an earlier, redelivered attempt): only the outbox row is closed. */
  | { kind: 'skip' }
  /** Record the settlement and publish its event; `gaveUp` says why it was not the gateway's decision. */
  | { kind: 'finish'; settlement: Settlement; gaveUp?: string }
  /** Keep it pending and try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; error: string }

/** Declined with this code when the gateway refuses the request itself. */
export const GATEWAY_REJECTED = 'gateway_rejected'

/**
 * The drainer's decision for one outbox row, separate from its transaction so it can be
 * tested without a database. `attempts` is how many times the row was tried before. Any
 * other error (not the gateway's) propagates: the batch rolls back and runs again.
 */
export async function captureStep(payment: PendingPayment | undefined, attempts: number, gateway: PaymentGateway): Promise<CaptureStep> {
  if (!payment || payment.status !== 'pending') return { kind: 'skip' }
  if (payment.method === 'cash') return { kind: 'finish', settlement: { outcome: 'captured', chargeId: null } }
  try {
    const settlement = await gateway.capture({
      paymentId: payment.id,
      token: payment.token ?? '',
      amountMinor: payment.amountMinor,
      currency: payment.currency,
    })
    return { kind: 'finish', settlement }
  } catch (err) {
    if (err instanceof TransientGatewayError) return { kind: 'retry', delayMs: retryDelayMs(attempts + 1), error: err.message }
    // Retrying a refused request would fail forever and roll back its whole batch each time.
    if (err instanceof PermanentGatewayError) {
      return { kind: 'finish', settlement: { outcome: 'declined', chargeId: null, declineCode: GATEWAY_REJECTED }, gaveUp: err.message }
    }
    throw err
  }
}
