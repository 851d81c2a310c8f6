export interface CaptureRequest {
  paymentId: string
  token: string
  amountMinor: number
  currency: string
}

export type CaptureResult =
  | { outcome: 'captured'; chargeId: string }
  | { outcome: 'declined'; chargeId: string; declineCode: string }

/** A failure that may succeed if retried (timeouts, 5xx): the payment stays pending. */
export class TransientGatewayError extends Error {
  override name = 'TransientGatewayError'
}

/** The gateway refused the request itself (a 4xx other than 429): retrying cannot help. */
export class PermanentGatewayError extends Error {
  override name = 'PermanentGatewayError'
}

/** The adapter seam: swap the sandbox for a real PSP without touching the drainer. */
export interface PaymentGateway {
  /** Must be idempotent by paymentId: calling it twice never charges twice. */
  capture(request: CaptureRequest): Promise<CaptureResult>
}
