import { DrizzleQueryError } from 'drizzle-orm/errors'
import { describe, expect, it } from 'vitest'
import { isDuplicateKey } from './errors.js'
import { createWritePathBreaker } from './write-path.js'

const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
const readOnly = Object.assign(new Error('read-only'), { errno: 1290 })
const badSql = Object.assign(new Error('syntax'), { errno: 1064 })

describe('write-path breaker', () => {
  it('starts closed so the first request tries the write path', () => {
    expect(createWritePathBreaker().isOpen()).toBe(false)
  })

  it('opens on an unavailable error and records when', () => {
    const b = createWritePathBreaker(() => 42)
    expect(b.reportFailure(refused)).toBe(true)
    expect(b.isOpen()).toBe(true)
    expect(b.state()).toMatchObject({ up: false, openedAt: 42, lastError: 'connect ECONNREFUSED' })
  })

  it('treats a read-only writer as down', () => {
    const b = createWritePathBreaker()
    b.reportFailure(readOnly)
    expect(b.isOpen()).toBe(true)
  })

  it('ignores statement errors: the path is up, the statement is wrong', () => {
    const b = createWritePathBreaker()
    expect(b.reportFailure(badSql)).toBe(false)
    expect(b.isOpen()).toBe(false)
  })

  it('closes on the first successful probe', () => {
    let t = 1
    const b = createWritePathBreaker(() => t)
    b.reportFailure(refused)
    t = 5
    b.reportSuccess()
    expect(b.state()).toEqual({ up: true, lastOkAt: 5, lastError: null, openedAt: null })
  })
})

describe('write-path breaker behind drizzle', () => {
  // drizzle wraps the driver's error; the heartbeat probe is a drizzle insert.
  const wrapped = new DrizzleQueryError('insert into `heartbeats` …', [], Object.assign(new Error('no answer'), { code: 'WRITE_PATH_DEADLINE', fatal: true }))

  it('opens on an unavailable error wrapped by drizzle, keeping the driver’s message', () => {
    const b = createWritePathBreaker()
    expect(b.reportFailure(wrapped)).toBe(true)
    expect(b.state().lastError).toBe('no answer')
  })

  it('sees a duplicate key through the wrapper', () => {
    expect(isDuplicateKey(new DrizzleQueryError('insert …', [], Object.assign(new Error('dup'), { errno: 1062 })))).toBe(true)
  })
})
