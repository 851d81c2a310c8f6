import { type Socket, connect } from 'node:net'

/**
 * The open loop's client: one fixed GET over keep-alive sockets, one request in flight per
 * socket, answers framed by Content-Length. It exists for cost alone: on this two-core machine
 * undici spent about 70 µs of CPU per request, enough that at 80 % of a server's ceiling the
 * client's share pushed the machine past it and the latency showed the client (issue 17).
 * Anything it cannot frame (no Content-Length, a malformed status line) fails the request.
 */
export interface RawHttpClient {
  /** Resolves with the status code once the whole answer has arrived. */
  get(): Promise<number>
  close(): void
}

interface Waiter {
  resolve(status: number): void
  reject(error: Error): void
}

const HEADER_END = Buffer.from('\r\n\r\n')

export function createRawHttpClient(base: string, path: string, headers: Readonly<Record<string, string>>, connections: number): RawHttpClient {
  const url = new URL(path, base)
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`,
  )
  const idle: Conn[] = []
  const queued: Waiter[] = []
  let closed = false

  class Conn {
    private buffer: Buffer = Buffer.alloc(0)
    private current: Waiter | null = null
    private dead = false
    private readonly socket: Socket

    constructor() {
      this.socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true })
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk))
      this.socket.on('error', (error) => this.fail(error))
      this.socket.on('close', () => this.fail(new Error('connection closed')))
    }

    send(waiter: Waiter): void {
      this.current = waiter
      this.socket.write(request)
    }

    close(): void {
      this.socket.destroy()
    }

    private onData(chunk: Buffer): void {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
      const end = this.buffer.indexOf(HEADER_END)
      if (end < 0) return
      const head = this.buffer.toString('latin1', 0, end)
      const status = Number(head.slice(9, 12))
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
      if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || !length) return this.fail(new Error(`cannot frame the answer: ${head.split('\r\n', 1)[0]}`))
      const total = end + HEADER_END.length + Number(length[1])
      if (this.buffer.length < total) return
      this.buffer = this.buffer.subarray(total)
      const waiter = this.current!
      this.current = null
      waiter.resolve(status)
      this.release()
    }

    private release(): void {
      const next = queued.shift()
      if (next) this.send(next)
      else idle.push(this)
    }

    private fail(error: Error): void {
      if (this.dead) return
      this.dead = true
      const waiter = this.current
      this.current = null
      waiter?.reject(error)
      const at = idle.indexOf(this)
      if (at >= 0) idle.splice(at, 1)
      this.socket.destroy()
      if (!closed) replace(this)
    }
  }

  const all = new Set<Conn>()
  const replace = (dead: Conn) => {
    all.delete(dead)
    const fresh = new Conn()
    all.add(fresh)
    idle.push(fresh)
  }
  for (let i = 0; i < connections; i++) {
    const c = new Conn()
    all.add(c)
    idle.push(c)
  }

  return {
    get: () =>
      new Promise<number>((resolve, reject) => {
        const waiter = { resolve, reject }
        const conn = idle.pop()
        if (conn) conn.send(waiter)
        else queued.push(waiter)
      }),
    close() {
      closed = true
      for (const c of all) c.close()
      for (const w of queued.splice(0)) w.reject(new Error('client closed'))
    },
  }
}
