/**
 * GTID positions as MariaDB prints them (`0-1-42,1-3-7`: domain-server-sequence per domain).
 * In one domain the sequence numbers are totally ordered (gtid_strict_mode), so how far one
 * position is behind another is the difference of their sequence numbers.
 */
export function parseGtidPosition(position: string): Map<number, number> {
  const byDomain = new Map<number, number>()
  for (const part of position.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\d+)-(\d+)-(\d+)$/.exec(part)
    if (!match) throw new Error(`not a GTID position: ${JSON.stringify(position)}`)
    byDomain.set(Number(match[1]), Number(match[3]))
  }
  return byDomain
}

/** How many transactions `source` holds that `target` does not: the RPO of promoting `target`. */
export function missingTransactions(source: string, target: string): number {
  const have = parseGtidPosition(target)
  let missing = 0
  for (const [domain, seq] of parseGtidPosition(source)) missing += Math.max(0, seq - (have.get(domain) ?? 0))
  return missing
}
