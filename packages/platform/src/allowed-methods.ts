/**
 * Which methods each path of an app answers, from its routes (fed on `onRoute`), so a request
 * with another method on a known path gets 405 with `Allow` rather than 404.
 */
export interface MethodTable {
  add(url: string, method: string | string[]): void
  /** The methods routed at `path` (no query string), sorted; empty when no route matches it. */
  allowed(path: string): string[]
}

/** `/v1/sales/:saleId` → /^\/v1\/sales\/[^/]+$/ (fastify's parameters and wildcard). */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}

export function createMethodTable(): MethodTable {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>()
  return {
    add(url, method) {
      const route = routes.get(url) ?? { pattern: patternOf(url), methods: new Set<string>() }
      for (const m of Array.isArray(method) ? method : [method]) route.methods.add(m.toUpperCase())
      routes.set(url, route)
    },
    allowed(path) {
      const methods = new Set<string>()
      for (const r of routes.values()) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m)
      return [...methods].sort()
    },
  }
}
