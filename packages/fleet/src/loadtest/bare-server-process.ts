import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import pTimeout from 'p-timeout'

/**
 * The compiled bare-catalog-server.js. From dist/ it is this module's sibling; from src/ (tsx,
 * vitest) it is the same path under dist/ — plain node runs it either way, in an image too,
 * where neither tsx nor the .ts sources exist.
 */
export function bareServerScript(from: string = import.meta.url): string {
  const sibling = fileURLToPath(new URL('./bare-catalog-server.js', from))
  return from.endsWith('.ts') ? sibling.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2') : sibling
}

export interface BareServer {
  readonly port: number
  /** Its process, whose CPU time the saturation benchmark reads. */
  readonly pid: number
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  readonly stop: () => Promise<void>
}

/** Starts the bare baseline server against `dbReadUrl`; resolves once it listens (at most 15 s). */
export async function startBareServer(dbReadUrl: string, merchantId: string): Promise<BareServer> {
  const script = bareServerScript()
  if (!existsSync(script)) throw new Error(`no ${script}: compile the workspace first (pnpm run build)`)
  // execa's cleanup kills the server should the load test itself die.
  const child = execa(process.execPath, [script], {
    env: { DB_READ_URL: dbReadUrl, MERCHANT_ID: merchantId },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    reject: false,
    forceKillAfterDelay: 5_000,
  })
  const stop = async () => {
    child.kill('SIGTERM')
    await child
  }
  try {
    const listening = once(createInterface({ input: child.stdout }), 'line').then(([line]) => (JSON.parse(line as string) as { port: number }).port)
    const exited = child.then((result) => {
      throw new Error(`the bare baseline server exited (${result.exitCode ?? result.signal}) before it listened`)
    })
    // Observed by the race only: once the server has listened, its later exit is no error.
    exited.catch(() => undefined)
    const port = await pTimeout(Promise.race([listening, exited]), {
      milliseconds: 15_000,
      message: 'the bare baseline server did not listen within 15 s',
    })
    return { port, pid: child.pid!, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
