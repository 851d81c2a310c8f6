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
 * survives a crash of either side, and a retried capture gets the same answer. A payment
 * holds more than one charge only in the test-only mode that does not deduplicate.
 */
export class Ledger {
  private readonly byPayment = new Map<string, Charge[]>()
  private readonly attempts = new Map<string, number>()
  private fd: number

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true })
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue
        this.add(JSON.parse(line) as Charge)
      }
    }
    this.fd = openSync(path, 'a')
  }

  /** The payment's first charge: the one a deduplicating gateway answers every retry with. */
  find(paymentId: string): Charge | undefined {
    return this.byPayment.get(paymentId)?.[0]
  }

  chargesFor(paymentId: string): Charge[] {
    return this.byPayment.get(paymentId) ?? []
  }

  /** Counts capture calls per payment, replays included (in memory: it drives tok_flaky, not money). */
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
    this.add(charge)
  }

  all(): Charge[] {
    return [...this.byPayment.values()].flat()
  }

  private add(charge: Charge): void {
    const charges = this.byPayment.get(charge.paymentId)
    if (charges) charges.push(charge)
    else this.byPayment.set(charge.paymentId, [charge])
  }

  close(): void {
    closeSync(this.fd)
  }
}
