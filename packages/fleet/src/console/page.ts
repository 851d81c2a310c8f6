import { regions } from '@pos-fleet/topology'

/**
 * The console's page, script and style: served by the console itself (no CDN, works offline),
 * with a CSP that allows nothing but its own origin. The script only fills in text and
 * attributes from each server-sent snapshot; every control is a real <button> with a label.
 */
const POSITIONS: Record<string, { x: number; y: number }> = {
  'us-east-1': { x: 110, y: 90 },
  'eu-central-1': { x: 360, y: 60 },
  'ap-southeast-1': { x: 600, y: 170 },
}

function regionCard(id: string, city: string): string {
  const field = (name: string, label: string) => `<dt>${label}</dt><dd data-field="${name}">…</dd>`
  return `<section class="region" data-region="${id}" aria-labelledby="h-${id}">
  <h2 id="h-${id}">${id} <span class="city">${city}</span> <span class="role" data-field="role">…</span></h2>
  <dl>
    ${field('write-path', 'Write path')}
    ${field('replication-lag', 'Replication lag')}
    ${field('backlog-sales', 'Queued sales (store-and-forward)')}
    ${field('backlog-deltas', 'Queued inventory deltas')}
    ${field('sales-rate', 'Sales committed / s')}
    ${field('provisional-rate', 'Sales provisional / s')}
    ${field('p99', 'Checkout p99')}
  </dl>
  <div class="actions">
    <button type="button" data-action="cut" data-region="${id}">Cut ${id}'s WAN links</button>
    <button type="button" data-action="heal" data-region="${id}">Heal ${id}'s WAN links</button>
  </div>
</section>`
}

function map(): string {
  const lines: string[] = []
  for (const [i, a] of regions.entries()) {
    for (const b of regions.slice(i + 1)) {
      const p = POSITIONS[a.id]!
      const q = POSITIONS[b.id]!
      const id = `${a.id}|${b.id}`
      lines.push(`<g class="link" data-link="${id}" data-state="unknown">
  <line x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}"></line>
  <text x="${(p.x + q.x) / 2}" y="${(p.y + q.y) / 2 - 8}" text-anchor="middle" data-field="link-label">${a.id} – ${b.id}</text>
</g>`)
    }
  }
  const nodes = regions.map((r) => {
    const p = POSITIONS[r.id]!
    return `<g class="node" data-node="${r.id}"><circle cx="${p.x}" cy="${p.y}" r="26"></circle>
  <text x="${p.x}" y="${p.y + 46}" text-anchor="middle">${r.id}</text>
  <text x="${p.x}" y="${p.y + 5}" text-anchor="middle" class="node-role" data-field="node-role"></text></g>`
  })
  return `<svg viewBox="0 0 720 240" role="img" aria-labelledby="map-title" id="map">
  <title id="map-title">The three regions and the WAN links between them</title>
  ${lines.join('\n')}
  ${nodes.join('\n')}
</svg>`
}

export function consolePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pos-fleet console</title>
<link rel="stylesheet" href="/console.css">
</head>
<body>
<header>
  <h1>pos-fleet console</h1>
  <p>Writer: <strong data-field="writer">…</strong> · <span data-field="updated">connecting…</span></p>
</header>
<main>
  <section aria-labelledby="h-map">
    <h2 id="h-map">WAN links</h2>
    ${map()}
    <ul id="links" aria-label="WAN link states"></ul>
  </section>
  <div class="regions">
    ${regions.map((r) => regionCard(r.id, r.city)).join('\n')}
  </div>
  <section aria-labelledby="h-payments" class="payments">
    <h2 id="h-payments">Payments (payments-worker, in the writer region)</h2>
    <dl>
      <dt>Pending (outbox)</dt><dd data-field="payments-pending">…</dd>
      <dt>Oldest pending</dt><dd data-field="payments-oldest">…</dd>
      <dt>Captured</dt><dd data-field="payments-captured">…</dd>
      <dt>Declined</dt><dd data-field="payments-declined">…</dd>
    </dl>
  </section>
  <section aria-labelledby="h-load">
    <h2 id="h-load">Load</h2>
    <button type="button" data-action="loadtest">Start a 20 s load test (10 operations/s per region)</button>
  </section>
  <p id="status" role="status" aria-live="polite"></p>
  <p id="unreachable" class="warn"></p>
</main>
<script src="/console.js"></script>
</body>
</html>
`
}

export const CONSOLE_CSS = `
body { font: 15px/1.4 system-ui, sans-serif; margin: 0 1.5rem 2rem; color: #1b1f24; background: #f7f8fa; }
h1 { font-size: 1.4rem; margin: 1rem 0 0.2rem; }
h2 { font-size: 1.05rem; margin: 0.6rem 0; }
#map { width: 100%; max-width: 760px; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; }
.link line { stroke: #2da44e; stroke-width: 4; }
.link[data-state="cut"] line { stroke: #cf222e; stroke-dasharray: 10 8; }
.link[data-state="partial"] line { stroke: #bf8700; stroke-dasharray: 4 4; }
.link text { font-size: 12px; fill: #57606a; }
.node circle { fill: #ddf4ff; stroke: #0969da; stroke-width: 2; }
.node[data-writer="true"] circle { fill: #0969da; }
.node[data-writer="true"] .node-role { fill: #fff; }
.node text { font-size: 13px; }
.regions { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 1rem; margin-top: 1rem; }
.region, .payments { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.4rem 1rem 0.8rem; }
.region[data-write-path="down"] { border-color: #cf222e; box-shadow: 0 0 0 2px #ffebe9; }
.city { color: #57606a; font-weight: normal; }
.role { font-size: 0.8rem; padding: 0.05rem 0.4rem; border-radius: 1rem; background: #eaeef2; }
dl { display: grid; grid-template-columns: auto auto; gap: 0.15rem 1rem; margin: 0; }
dt { color: #57606a; } dd { margin: 0; font-variant-numeric: tabular-nums; text-align: right; }
button { font: inherit; margin: 0.5rem 0.5rem 0 0; padding: 0.3rem 0.7rem; border-radius: 6px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
button:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.warn { color: #9a6700; }
`

export const CONSOLE_JS = `'use strict'
const $ = (sel, root = document) => root.querySelector(sel)
const set = (root, field, text) => { const el = $('[data-field="' + field + '"]', root); if (el) el.textContent = text }
const num = (v, unit, digits = 0) => (v === null || v === undefined ? 'unknown' : v.toFixed(digits) + unit)

function render(s) {
  set(document, 'writer', s.writer)
  set(document, 'updated', 'updated ' + new Date(s.at).toLocaleTimeString())
  for (const node of document.querySelectorAll('[data-node]')) {
    const writer = node.dataset.node === s.writer
    node.dataset.writer = String(writer)
    set(node, 'node-role', writer ? 'WRITER' : '')
  }
  const list = $('#links')
  list.replaceChildren()
  for (const l of s.links) {
    const g = $('[data-link="' + l.id + '"]')
    if (g) {
      g.dataset.state = l.state
      set(g, 'link-label', l.state === 'up' ? l.rttMs + ' ms RTT' : l.state.toUpperCase())
    }
    const li = document.createElement('li')
    li.dataset.link = l.id
    li.textContent = l.a + ' – ' + l.b + ': ' + l.state + ', ' + l.rttMs + ' ms RTT (emulated now ' + l.emulatedRttMs + ' ms)'
    list.append(li)
  }
  for (const r of s.regions) {
    const card = $('[data-region="' + r.id + '"]')
    if (!card) continue
    card.dataset.writePath = r.writePathUp === null ? 'unknown' : r.writePathUp ? 'up' : 'down'
    set(card, 'role', r.role)
    set(card, 'write-path', r.writePathUp === null ? 'unknown' : r.writePathUp ? 'up (breaker closed)' : 'DOWN, breaker open ' + num(r.breakerOpenS, ' s'))
    set(card, 'replication-lag', num(r.replicationLagMs, ' ms'))
    set(card, 'backlog-sales', num(r.backlog.sales, ''))
    set(card, 'backlog-deltas', num(r.backlog.deltas, ''))
    set(card, 'sales-rate', num(r.salesPerS, '', 1))
    set(card, 'provisional-rate', num(r.provisionalPerS, '', 1))
    set(card, 'p99', r.p99Ms === null ? 'no sales' : '≤ ' + r.p99Ms + ' ms')
  }
  set(document, 'payments-pending', num(s.payments.pending, ''))
  set(document, 'payments-oldest', num(s.payments.oldestPendingS, ' s', 1))
  set(document, 'payments-captured', num(s.payments.captured, ''))
  set(document, 'payments-declined', num(s.payments.declined, ''))
  $('#unreachable').textContent = s.unreachable.length ? 'Not answering: ' + s.unreachable.join('; ') : ''
}

async function act(button) {
  const { action, region } = button.dataset
  const url = action === 'loadtest' ? '/api/loadtest' : '/api/regions/' + encodeURIComponent(region) + '/' + action
  button.disabled = true
  try {
    const res = await fetch(url, { method: 'POST' })
    const body = await res.json()
    $('#status').textContent = res.ok ? body.message : 'Refused (' + res.status + '): ' + (body.detail || body.title)
  } catch (err) {
    $('#status').textContent = 'The console did not answer: ' + err.message
  } finally {
    button.disabled = false
  }
}

for (const b of document.querySelectorAll('button[data-action]')) b.addEventListener('click', () => act(b))
const events = new EventSource('/events')
events.onmessage = (m) => render(JSON.parse(m.data))
events.onerror = () => set(document, 'updated', 'connection lost; retrying…')
`
