import { type Authenticator, type Principal, createApiKeyAuthenticator } from './auth.js'
import type { Database } from './db/client.js'
import { createWritePathBreaker } from './db/write-path.js'
import { sha256Hex } from './hashing.js'
import { type ReferenceSource, createReferenceData } from './reference-data.js'
import type { RegionalDeps, RegionalEnv } from './regional-app.js'
import { createStaleIfError } from './stale-if-error.js'

/**
 * Stand-ins for what is external to a service's app (the database, the broker), so its
 * validation, error mapping and store-and-forward decisions are tested in-process with
 * `inject`. Only for tests; the fleet suite runs the real parts.
 */

export const TEST_CONFIG: RegionalEnv = {
  POS_REGION: 'eu-central-1',
  HOST: '127.0.0.1',
  PORT: 1,
  LOG_LEVEL: 'silent',
  SHUTDOWN_GRACE_MS: 1_000,
  DB_READ_URL: 'mysql://test@127.0.0.1:1/pos',
  DB_WRITE_URL: 'mysql://test@127.0.0.1:1/pos',
  DB_WRITE_TIMEOUT_MS: 2_000,
  DB_READ_TIMEOUT_MS: 2_000,
  REFERENCE_MAX_STALE_MS: 3_600_000,
  DB_CONNECT_TIMEOUT_MS: 2_000,
  SESSION_WAIT_MS: 1_000,
  DB_POOL_SIZE: 1,
  DB_WRITE_POOL_SIZE: 1,
  KAFKA_BROKERS: '127.0.0.1:1',
}

/**
 * A database that answers the readiness probe (`SELECT 1` on the replica) with `probe`; any
 * other use fails the test loudly.
 */
export function probeOnlyDatabase(probe: () => Promise<unknown> = async () => [[{ readOnly: 1 }], []]): Database {
  const unused = <T>(what: string, allowed: Record<string, unknown> = {}): T =>
    new Proxy(allowed, {
      get: (target, prop) => {
        if (prop in target) return target[prop as string]
        throw new Error(`the test touched ${what}.${String(prop)}; give the app a repository stand-in`)
      },
    }) as T
  return {
    read: unused<Database['read']>('db.read', { execute: probe }),
    write: unused<Database['write']>('db.write'),
    readPool: unused<Database['readPool']>('db.readPool'),
    writePool: unused<Database['writePool']>('db.writePool'),
    writeTimeoutMs: 2_000,
    withWriteConnection: (what, work) => unused<Database>('db').withWriteConnection(what, work),
    close: async () => {},
  } satisfies Database
}

/**
 * A local replica held in memory, as the reference caches and the authenticator read it;
 * `failWith` makes every read fail (the replica died), `null` brings it back.
 */
export function memoryReplica(keys: Record<string, Principal>, source: Partial<ReferenceSource> = {}) {
  const byHash = new Map(Object.entries(keys).map(([key, p]) => [sha256Hex(key), p]))
  let failure: Error | null = null
  const reads = { count: 0 }
  const read = async <T>(value: () => Promise<T> | T): Promise<T> => {
    reads.count++
    if (failure) throw failure
    return value()
  }
  const reference: ReferenceSource = {
    store: (id) => read(() => source.store?.(id)),
    offlineFloorLimitMinor: (id) => read(() => source.offlineFloorLimitMinor?.(id)),
    items: (merchantId, skus) => read(() => source.items?.(merchantId, skus) ?? []),
  }
  return {
    principal: (hash: string) => read(() => byHash.get(hash) ?? null),
    reference,
    /** Any other read of this replica (fails while it is down). */
    query: read,
    /** The same replica as the readiness probe sees it. */
    database: () => probeOnlyDatabase(() => read(() => [[{ readOnly: 1 }], []])),
    reads,
    failWith(err: Error | null) {
      failure = err
    },
  }
}

/** The real authenticator over an in-memory key table. */
export function authenticatorFor(keys: Record<string, Principal>): Authenticator {
  const byHash = new Map(Object.entries(keys).map(([key, p]) => [sha256Hex(key), p]))
  return createApiKeyAuthenticator(async (hash) => byHash.get(hash) ?? null)
}

/**
 * The real authenticator, reference caches and stale-if-error policy over a memory replica;
 * pass the result's `deps` into regionalDeps' overrides.
 */
export function replicaDeps(replica: ReturnType<typeof memoryReplica>, maxStaleMs = TEST_CONFIG.REFERENCE_MAX_STALE_MS, now?: () => number) {
  const staleIfError = createStaleIfError({ maxStaleMs, ...(now ? { now } : {}) })
  return {
    staleIfError,
    authenticate: createApiKeyAuthenticator(replica.principal, { staleIfError }),
    reference: createReferenceData(replica.reference, staleIfError),
  }
}

export function regionalDeps(keys: Record<string, Principal>, overrides: Partial<RegionalDeps> = {}): RegionalDeps {
  const staleIfError = createStaleIfError({ maxStaleMs: 0 })
  return {
    config: TEST_CONFIG,
    db: probeOnlyDatabase(),
    authenticate: authenticatorFor(keys),
    staleIfError,
    reference: createReferenceData(memoryReplica({}).reference, staleIfError),
    writePath: createWritePathBreaker(),
    replicationLag: () => ({ replicationLagMs: 12, sampledAt: Date.now(), error: null }),
    logger: false,
    ...overrides,
  }
}

/** An error the write path raises when the writer region cannot be reached. */
export function writePathDown(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' })
}

/** A duplicate-key error (ER_DUP_ENTRY), as an insert-if-absent of an existing id raises it. */
export function duplicateKey(): Error {
  return Object.assign(new Error("Duplicate entry 'x' for key 'PRIMARY'"), { code: 'ER_DUP_ENTRY', errno: 1062 })
}

/** An in-memory store-and-forward queue; `failWith` makes the broker refuse. */
export function memoryQueue<T>(idOf: (item: T) => string) {
  const items = new Map<string, T>()
  let failure: Error | null = null
  return {
    items,
    failWith(err: Error | null) {
      failure = err
    },
    async enqueue(item: T): Promise<void> {
      if (failure) throw failure
      items.set(idOf(item), item)
    },
    get: (id: string) => items.get(id),
    values: () => items.values(),
    forget: (id: string) => items.delete(id),
    stats: () => ({ entries: items.size, readAtStart: 0, skippedAtStart: 0 }),
  }
}
