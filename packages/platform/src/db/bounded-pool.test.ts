import { type AddressInfo, type Server, type Socket, createServer as createTcpServer } from 'node:net'
import mysql from 'mysql2'
import mysqlPromise, { type Pool } from 'mysql2/promise'
import { afterEach, describe, expect, it } from 'vitest'
import { boundedPool } from './bounded-pool.js'

const DEADLINE_MS = 300
/** What the bound may overshoot by on a loaded machine: timer and socket scheduling only. */
const SLACK_MS = 1_000

/**
 * A MySQL-protocol server (mysql2's own) that completes the handshake and then answers
 * `DO 1` with OK, `DO fail` with a syntax error, and never answers anything else: a link
 * that swallows packets after the connection was made. It counts the connections it saw
 * and the ones the client closed.
 */
async function hangingServer() {
  const stats = { opened: 0, closed: 0 }
  const server = mysql.createServer((conn) => {
    stats.opened++
    conn.stream.on('close', () => stats.closed++)
    // The client hanging up is the point of these tests, not an error of the server's.
    conn.on('error', () => undefined)
    conn.serverHandshake({ protocolVersion: 10, serverVersion: '10.11-test', connectionId: stats.opened, statusFlags: 2, characterSet: 33, capabilityFlags: 0xffffff })
    conn.on('query', (sql: string) => {
      if (sql === 'DO 1') conn.writeOk()
      else if (sql === 'DO fail') conn.writeError({ message: 'syntax', code: 1064 })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server as unknown as { _server: Server })._server.address() as AddressInfo
  return { port: port.port, stats, close: () => server.close() }
}

/** Accepts TCP connections and never sends the MySQL greeting: a connect that hangs. */
async function silentServer() {
  const sockets: Socket[] = []
  const server = createTcpServer((s) => sockets.push(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function poolTo(port: number, connectionLimit = 2): Pool {
  // connectTimeout far above the deadline: the bound must come from the deadline.
  const raw = mysqlPromise.createPool({ host: '127.0.0.1', port, user: 'u', password: '', connectionLimit, connectTimeout: 20_000 })
  // Not awaited: ending waits behind a connect that never completes.
  cleanups.push(() => void raw.end().catch(() => undefined))
  return boundedPool(raw, DEADLINE_MS)
}

async function elapsed(work: Promise<unknown>): Promise<{ ms: number; error: { code?: string } | undefined }> {
  const started = performance.now()
  const error = await work.then(
    () => undefined,
    (e: { code?: string }) => e,
  )
  return { ms: performance.now() - started, error }
}

describe('boundedPool', () => {
  it('fails a statement that gets no answer at its deadline, and closes that connection', async () => {
    const server = await hangingServer()
    cleanups.push(server.close)
    const pool = poolTo(server.port)
    const { ms, error } = await elapsed(pool.query('SELECT 1'))
    expect(error?.code).toBe('WRITE_PATH_DEADLINE')
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS)
    await expect.poll(() => server.stats.closed).toBe(1)
    // The next call gets a fresh connection, not the hung one.
    await pool.query('DO 1')
    expect(server.stats.opened).toBe(2)
  })

  it('bounds the wait for a connection when every connection is hung', async () => {
    const server = await hangingServer()
    cleanups.push(server.close)
    const pool = poolTo(server.port, 1)
    const first = elapsed(pool.query('SELECT 1'))
    const second = elapsed(pool.query('DO 1'))
    for (const r of await Promise.all([first, second])) {
      expect(r.error?.code).toBe('WRITE_PATH_DEADLINE')
      expect(r.ms).toBeLessThan(DEADLINE_MS + SLACK_MS)
    }
  })

  it('bounds a connect whose greeting never arrives', async () => {
    const server = await silentServer()
    cleanups.push(server.close)
    const { ms, error } = await elapsed(poolTo(server.port).query('DO 1'))
    expect(error?.code).toBe('WRITE_PATH_DEADLINE')
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS)
  })

  it('bounds each statement of a transaction and kills its connection', async () => {
    const server = await hangingServer()
    cleanups.push(server.close)
    const conn = await poolTo(server.port).getConnection()
    await conn.query('DO 1')
    const { ms, error } = await elapsed(conn.query('SELECT 1'))
    expect(error?.code).toBe('WRITE_PATH_DEADLINE')
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS)
    await expect.poll(() => server.stats.closed).toBe(1)
    conn.release()
  })

  it('keeps a connection that answered with a statement error', async () => {
    const server = await hangingServer()
    cleanups.push(server.close)
    const pool = poolTo(server.port)
    await expect(pool.query('DO fail')).rejects.toMatchObject({ errno: 1064 })
    await pool.query('DO 1')
    expect(server.stats).toEqual({ opened: 1, closed: 0 })
  })
})
