import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export interface Charge {
  chargeId: string
  paymentId: string
  amountMinor: number
  currency: string
  status: 'succeeded' | 'declined'
  declineCode?: string
  createdAt: string
}

/**
 * The gateway's durable record, an fsync'd JSON-lines file: a charge, once answered,
 * survives a crash of either side, and a retried capture gets the same answer.
 */
export class Ledger {
  private readonly byPayment = new Map<string, Charge>()
  private readonly attempts = new Map<string, number>()
  private fd: number

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true })
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue
        const charge = JSON.parse(line) as Charge
        this.byPayment.set(charge.paymentId, charge)
      }
    }
    this.fd = openSync(path, 'a')
  }

  find(paymentId: string): Charge | undefined {
    return this.byPayment.get(paymentId)
  }

  /** Counts capture calls per payment (kept in memory: it drives tok_flaky, not money). */
  nextAttempt(paymentId: string): number {
    const n = (this.attempts.get(paymentId) ?? 0) + 1
    this.attempts.set(paymentId, n)
    return n
  }

  attemptsFor(paymentId: string): number {
    return this.attempts.get(paymentId) ?? 0
  }

  record(charge: Charge): void {
    writeSync(this.fd, `${JSON.stringify(charge)}\n`)
    fsyncSync(this.fd)
    this.byPayment.set(charge.paymentId, charge)
  }

  all(): Charge[] {
    return [...this.byPayment.values()]
  }

  close(): void {
    closeSync(this.fd)
  }
}
