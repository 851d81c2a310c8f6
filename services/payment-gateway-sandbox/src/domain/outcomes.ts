import { createHash } from 'node:crypto'

export type ChargeOutcome =
  | { kind: 'approved' }
  | { kind: 'declined'; declineCode: string }
  | { kind: 'transient-failure'; reason: string }

/** tok_flaky fails this many times per payment before it approves. */
export const FLAKY_FAILURES = 2

/** A deterministic number in [0, 1) from a string, so "random" failures replay identically. */
export function unitHash(value: string): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) / 2 ** 32
}

/**
 * The sandbox's rules, deterministic by card token (and, for injected failures, by
 * payment id and attempt number), like a PSP's published test cards.
 */
export function decide(token: string, paymentId: string, attempt: number, failureRate: number): ChargeOutcome {
  if (failureRate > 0 && unitHash(`${paymentId}:${attempt}`) < failureRate) {
    return { kind: 'transient-failure', reason: 'injected failure (GATEWAY_FAILURE_RATE)' }
  }
  switch (token) {
    case 'tok_visa':
      return { kind: 'approved' }
    case 'tok_chargeDeclined':
      return { kind: 'declined', declineCode: 'card_declined' }
    case 'tok_flaky':
      return attempt <= FLAKY_FAILURES ? { kind: 'transient-failure', reason: 'tok_flaky' } : { kind: 'approved' }
    default:
      return { kind: 'declined', declineCode: 'invalid_token' }
  }
}
