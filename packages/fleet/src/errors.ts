/**
 * The one error type the CLI reports: what went wrong for the operator, the process exit code
 * (2: bad input or nothing to act on, nothing was started; 1: the operation itself failed)
 * and the underlying error as the cause.
 */
export class FleetError extends Error {
  readonly exitCode: number

  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'FleetError'
    this.exitCode = options.exitCode ?? 1
  }
}

/** Bad flags or arguments: exit 2, and nothing has been started. */
export function usageError(message: string, cause?: unknown): FleetError {
  return new FleetError(message, { exitCode: 2, cause })
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function exitCodeOf(error: unknown): number {
  return error instanceof FleetError ? error.exitCode : 1
}

/** The message and every cause under it, one line each; with `verbose`, their stack traces instead. */
export function describeError(error: unknown, verbose = false): string {
  const lines: string[] = []
  const seen = new Set<unknown>()
  for (let e: unknown = error, depth = 0; e !== undefined && !seen.has(e); depth++) {
    seen.add(e)
    const text = e instanceof Error ? (verbose && e.stack ? e.stack : e.message) : String(e)
    lines.push(depth === 0 ? text : `caused by: ${text}`)
    e = e instanceof Error ? e.cause : undefined
  }
  return lines.join('\n')
}
