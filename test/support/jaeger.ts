/** Jaeger's query API (`/api/traces/<id>`), as its own page reads it. */
export interface JaegerTag {
  key: string
  value: unknown
}

export interface JaegerSpan {
  spanID: string
  operationName: string
  processID: string
  tags: JaegerTag[]
  references: Array<{ refType: string; spanID: string }>
}

export interface JaegerTrace {
  traceID: string
  spans: JaegerSpan[]
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>
}

/** A span with its process's service name and the attributes of both, flattened. */
export interface TraceSpan {
  operation: string
  service: string
  attributes: Record<string, unknown>
}

export async function jaegerTrace(jaegerUrl: string, traceId: string): Promise<TraceSpan[]> {
  const res = await fetch(`${jaegerUrl}/api/traces/${traceId}`)
  if (res.status === 404) return []
  if (!res.ok) throw new Error(`${jaegerUrl}/api/traces/${traceId} answered ${res.status}`)
  const trace = ((await res.json()) as { data: JaegerTrace[] }).data[0]
  if (!trace) return []
  const attrs = (tags: JaegerTag[]) => Object.fromEntries(tags.map((t) => [t.key, t.value]))
  return trace.spans.map((s) => {
    const p = trace.processes[s.processID]!
    return { operation: s.operationName, service: p.serviceName, attributes: { ...attrs(p.tags), ...attrs(s.tags) } }
  })
}

export async function jaegerServices(jaegerUrl: string): Promise<string[]> {
  const res = await fetch(`${jaegerUrl}/api/services`)
  return (((await res.json()) as { data: string[] | null }).data ?? []).sort()
}
