import { execa } from 'execa'
import { FleetError } from '../errors.js'

/**
 * Closed-loop load from wrk (Debian's package, installed by scripts/bootstrap.sh): C code, so
 * the generator takes a fraction of the CPU a Node client would from the two-core machine the
 * servers run on, and the ceiling it finds is the server's, not the client's.
 */
export interface WrkResult {
  readonly requests: number
  readonly seconds: number
  readonly requestsPerSecond: number
  /** Non-2xx/3xx answers plus connect, read, write and timeout errors. */
  readonly errors: number
}

export interface WrkOptions {
  readonly url: string
  readonly connections: number
  readonly durationS: number
  readonly headers?: Readonly<Record<string, string>>
}

/** Parses wrk 4's text summary; throws on output it cannot read rather than guessing. */
export function parseWrk(output: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)\b/.exec(output)
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output)
  if (!total || !rate) throw new Error(`unexpected wrk output:\n${output}`)
  const unit = { ms: 0.001, s: 1, m: 60 }[total[3] as 'ms' | 's' | 'm']
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const socketErrors = socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0
  return {
    requests: Number(total[1]),
    seconds: Number(total[2]) * unit,
    requestsPerSecond: Number(rate[1]),
    errors: Number(non2xx?.[1] ?? 0) + socketErrors,
  }
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const headerArgs = Object.entries(o.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`])
  const args = ['-t1', `-c${o.connections}`, `-d${o.durationS}s`, '--timeout', '5s', ...headerArgs, o.url]
  // In a session of its own, like every fleet process: Linux shares CPU between sessions'
  // autogroups, and a server that shared wrk's (the bare handler, started by this process)
  // measured 12–20 % less CPU per read than the same server in its own (issue 17). wrk ends
  // after its duration even if this process dies, so the lost exit clean-up costs nothing.
  const run = await execa('wrk', args, { reject: false, detached: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new FleetError('wrk is not installed: run scripts/bootstrap.sh (it installs Debian\'s wrk), or apt-get install wrk', { exitCode: 2 })
    throw error
  })
  if (run.exitCode !== 0) throw new Error(`wrk ${args.join(' ')} failed (${run.exitCode}): ${run.stderr || run.stdout}`)
  return parseWrk(run.stdout)
}
