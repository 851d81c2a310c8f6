import http from 'node:http'
import https from 'node:https'
import { context, propagation } from '@opentelemetry/api'
import { type CaptureRequest, type CaptureResult, type PaymentGateway, PermanentGatewayError, TransientGatewayError } from './payment-gateway.js'

interface ChargeBody {
  chargeId: string
  status: 'succeeded' | 'declined'
  declineCode?: string
}

interface Answer {
  status: number
  body: string
}

/**
 * One JSON POST over node:http, bounded as a whole (connect, send, headers and body) by
 * `timeoutMs`. Not fetch: Node 20's fetch parses HTTP with undici's WebAssembly llhttp, and
 * V8 optimising that module after the first capture took RSS 28 MB higher for a moment (83 MB
 * against 55 MB peak over 200 captures in a bare process; the worker peaked at 141–193 MB in
 * load tests, 118 MB since), issue 17.
 */
function postJson(url: URL, agent: http.Agent, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> {
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

/** HTTP adapter for the repository's sandbox gateway (an emulated PSP). */
export function createSandboxGateway(baseUrl: string, timeoutMs: number): PaymentGateway {
  const url = new URL('/v1/charges', baseUrl)
  const agent = new (url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true })
  return {
    async capture(request: CaptureRequest): Promise<CaptureResult> {
      // The capture joins the sale's trace at the PSP too.
      const headers: Record<string, string> = { 'idempotency-key': request.paymentId }
      propagation.inject(context.active(), headers)
      let answer: Answer
      try {
        answer = await postJson(url, agent, headers, JSON.stringify(request), timeoutMs)
      } catch (err) {
        throw new TransientGatewayError(`gateway unreachable: ${(err as Error).message}`)
      }
      if (answer.status >= 500 || answer.status === 429) {
        throw new TransientGatewayError(`gateway answered ${answer.status}`)
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw new PermanentGatewayError(`gateway refused the capture request: ${answer.status} ${answer.body}`)
      }
      let charge: ChargeBody
      try {
        charge = JSON.parse(answer.body) as ChargeBody
      } catch {
        throw new TransientGatewayError(`gateway answered ${answer.status} with a body that is not JSON`)
      }
      return charge.status === 'succeeded'
        ? { outcome: 'captured', chargeId: charge.chargeId }
        : { outcome: 'declined', chargeId: charge.chargeId, declineCode: charge.declineCode ?? 'declined' }
    },
  }
}
