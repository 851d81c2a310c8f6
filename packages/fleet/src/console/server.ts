import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { type RegionId, isRegionId, regions } from '@pos-fleet/topology'
import type { FleetSnapshot } from './snapshot.js'
import { CONSOLE_CSS, CONSOLE_JS, consolePage } from './page.js'

/** What the console's buttons do; the command wires them to toxiproxy and `fleet loadtest`. */
export interface ConsoleActions {
  setRegionLinks(region: RegionId, enabled: boolean): Promise<void>
  /** Why a fault may not be injected now (a failover or a drill holds the fleet), or undefined. */
  busy(): string | undefined
  /** Starts a short load test; undefined if one is already running (its description otherwise). */
  startLoadTest(): { started: boolean; detail: string }
}

export interface ConsoleOptions {
  collect(): Promise<FleetSnapshot>
  actions: ConsoleActions
  /** Between two snapshots sent to the page. */
  intervalMs?: number
}

function problem(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply.code(status).type('application/problem+json').send({ type: `https://pos-fleet.io/problems/console-${status}`, title, status, detail })
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"

/**
 * The fleet console: one page, its snapshots as server-sent events (one collection a
 * second, shared by every open page), and the fault and load buttons' endpoints. Bad input
 * changes nothing: an unknown region is 400, a cut while a failover or drill runs is 409.
 */
export function buildConsoleApp(o: ConsoleOptions): FastifyInstance {
  const app = Fastify({ logger: false })
  const clients = new Set<FastifyReply>()
  let latest: string | undefined
  let timer: NodeJS.Timeout | undefined

  const tick = async () => {
    try {
      latest = JSON.stringify(await o.collect())
      for (const c of clients) c.raw.write(`data: ${latest}\n\n`)
    } catch (err) {
      for (const c of clients) c.raw.write(`event: failure\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`)
    }
    if (clients.size > 0) timer = setTimeout(tick, o.intervalMs ?? 1_000)
    else timer = undefined
  }

  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CSP)
    reply.header('x-content-type-options', 'nosniff')
  })
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(consolePage()))
  app.get('/console.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(CONSOLE_JS))
  app.get('/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(CONSOLE_CSS))
  app.get('/api/snapshot', async () => o.collect())

  app.get('/events', (request, reply) => {
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'content-security-policy': CSP })
    if (latest) reply.raw.write(`data: ${latest}\n\n`)
    clients.add(reply)
    request.raw.on('close', () => clients.delete(reply))
    if (!timer) void tick()
  })

  app.post<{ Params: { region: string; action: string } }>('/api/regions/:region/:action', async (request, reply) => {
    const { region, action } = request.params
    if (action !== 'cut' && action !== 'heal') return problem(reply, 404, 'no such action', `unknown action ${action}: use cut or heal`)
    if (!isRegionId(region)) return problem(reply, 400, 'unknown region', `unknown region ${region}: one of ${regions.map((r) => r.id).join(', ')}`)
    const busy = o.actions.busy()
    if (busy && action === 'cut') return problem(reply, 409, 'the fleet is busy', `${busy}: no link was changed`)
    await o.actions.setRegionLinks(region, action === 'heal')
    return { region, action, message: action === 'cut' ? `cut every WAN link of ${region}` : `healed every WAN link of ${region}` }
  })

  app.post('/api/loadtest', async (_request, reply) => {
    const busy = o.actions.busy()
    if (busy) return problem(reply, 409, 'the fleet is busy', `${busy}: no load test started`)
    const run = o.actions.startLoadTest()
    if (!run.started) return problem(reply, 409, 'a load test is running', run.detail)
    return reply.code(202).send({ message: run.detail })
  })

  // Before the server closes: it waits for open connections, and an event stream never ends by itself.
  app.addHook('preClose', async () => {
    clearTimeout(timer)
    for (const c of clients) c.raw.end()
    clients.clear()
  })
  return app
}
