import { type CaptureRequest, type CaptureResult, type PaymentGateway, PermanentGatewayError, TransientGatewayError } from './payment-gateway.js'

interface ChargeBody {
  chargeId: string
  status: 'succeeded' | 'declined'
  declineCode?: string
}

/** HTTP adapter for the repository's sandbox gateway (an emulated PSP). */
export function createSandboxGateway(baseUrl: string, timeoutMs: number): PaymentGateway {
  return {
    async capture(request: CaptureRequest): Promise<CaptureResult> {
      let response: Response
      try {
        response = await fetch(new URL('/v1/charges', baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': request.paymentId },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (err) {
        throw new TransientGatewayError(`gateway unreachable: ${(err as Error).message}`)
      }
      if (response.status >= 500 || response.status === 429) {
        throw new TransientGatewayError(`gateway answered ${response.status}`)
      }
      if (!response.ok) throw new PermanentGatewayError(`gateway refused the capture request: ${response.status} ${await response.text()}`)
      const charge = (await response.json()) as ChargeBody
      return charge.status === 'succeeded'
        ? { outcome: 'captured', chargeId: charge.chargeId }
        : { outcome: 'declined', chargeId: charge.chargeId, declineCode: charge.declineCode ?? 'declined' }
    },
  }
}
