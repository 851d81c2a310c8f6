/** The timed steps of a writer change, printed as they finish and reported as the failover budget. */
export interface FailoverStep {
  readonly step: string
  readonly ms: number
  readonly detail?: string
}

export function stepRecorder(log: (line: string) => void) {
  const steps: FailoverStep[] = []
  async function step<T>(name: string, work: () => Promise<T>, detail?: (result: T) => string): Promise<T> {
    const at = performance.now()
    const result = await work()
    const done = { step: name, ms: Math.round(performance.now() - at), ...(detail ? { detail: detail(result) } : {}) }
    steps.push(done)
    log(`${name.padEnd(28)} ${String(done.ms).padStart(6)} ms${done.detail ? `  ${done.detail}` : ''}`)
    return result
  }
  return { steps, step }
}
