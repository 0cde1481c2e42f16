// The Phalanx dashboard: one page served by the node, talking JSON-RPC over the node's WebSocket on
// the same port. Plain ES module, no build step (it cannot import the TypeScript client); it relies
// only on the documented RPC methods (see `rpc.discover`). Every value from the chain is written
// with textContent, never as HTML.

const EVENT_MODULES = new Set(['registry', 'gatekeeper']);
const MAX_EVENTS = 50;
const WORKER_PAGE = 200;
/** On (re)connect, the events of this many recent blocks are fetched so the list is not empty. */
const BACKFILL_BLOCKS = 100;
const LIVENESS_MODULES = new Set(['computation', 'staking', 'contracts']);
/** Counted in the chart rather than listed: one per challenge would bury everything else. */
const CHART_ONLY = new Set(['computation.Challenged', 'computation.HeartbeatAccepted']);
const SLASH_EVENTS = new Set(['computation.Slashed', 'computation.SlashWaived']);
/** Blocks the heartbeat chart spans, and slashes kept in their list. */
const CHART_BLOCKS = 120;
const MAX_SLASHES = 20;
const SESSION_PAGE = 500;
/** PHX has 12 decimals (runtime/balances/types.ts UNIT), as the CLI prints amounts. */
const PHX_DECIMALS = 12;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** How often the nodes table asks each node for its health, and how long a node may take to answer. */
const NODES_REFRESH_MS = 2000;
const NODE_TIMEOUT_MS = 1500;

const $ = (id) => document.getElementById(id);

/** A JSON-RPC 2.0 connection with subscriptions; reconnects with backoff and calls `onOpen` again. */
function connect(url, { onOpen, onNotification, onState }) {
  let socket;
  let nextId = 1;
  let retryMs = 500;
  const pending = new Map();

  function open() {
    onState('connecting');
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      retryMs = 500;
      onState('live');
      onOpen().catch((error) => console.error('dashboard start failed', error));
    });
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(message.data);
      if (data.id !== undefined && pending.has(data.id)) {
        const { resolve, reject } = pending.get(data.id);
        pending.delete(data.id);
        if (data.error) reject(new Error(`${data.error.message} (${data.error.code})`));
        else resolve(data.result);
      } else if (data.method && data.params) {
        onNotification(data.method, data.params.result);
      }
    });
    socket.addEventListener('close', () => {
      for (const { reject } of pending.values()) reject(new Error('connection closed'));
      pending.clear();
      onState('disconnected');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    });
  }

  open();
  return {
    call(method, params = []) {
      return new Promise((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) {
          reject(new Error('not connected'));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      });
    },
  };
}

// ---- formatting ---------------------------------------------------------------------------------

function short(hex, head = 8, tail = 6) {
  return hex.length > head + tail + 3 ? `${hex.slice(0, head)}…${hex.slice(-tail)}` : hex;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function pill(text, tone, extraClass = '') {
  return el('span', { class: `pill pill-${tone} ${extraClass}`.trim(), text });
}

function formatTime(ms) {
  return new Date(Number(ms))
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** "in 23 h", "3 min ago": relative to the chain head's time, not the browser's clock. */
function relative(ms, nowMs) {
  const delta = Number(ms) - nowMs;
  const abs = Math.abs(delta);
  const [value, unit] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < 3_600_000
        ? [Math.round(abs / 60_000), 'min']
        : abs < 172_800_000
          ? [Math.round(abs / 3_600_000), 'h']
          : [Math.round(abs / 86_400_000), 'd'];
  return delta >= 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

const STATE_TONES = { Provisioned: 'ok', Registered: 'info', Expired: 'bad' };
const SESSION_TONES = {
  Serving: 'ok',
  Idle: 'info',
  Unresponsive: 'bad',
  CoolingDown: 'warn',
  Ready: 'wait',
};

/** "2,000 PHX", "1,799.5 PHX" from a decimal string of the smallest unit. */
function formatAmount(decimal) {
  const units = BigInt(decimal);
  const unit = 10n ** BigInt(PHX_DECIMALS);
  const fraction = (units % unit).toString().padStart(PHX_DECIMALS, '0').slice(0, 3).replace(/0+$/, '');
  return `${(units / unit).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''} PHX`;
}
const TCB_TONES = { UpToDate: 'ok', OK: 'ok', SWHardeningNeeded: 'warn', SW_HARDENING_NEEDED: 'warn' };

// ---- rendering ----------------------------------------------------------------------------------

const view = {
  headTime: undefined,
  headNumber: undefined,
  gatekeepers: new Set(),
  /** Block number → { beats, misses }, for the chart; the last CHART_BLOCKS blocks only. */
  liveness: new Map(),
};

function renderHead(head) {
  $('head-number').textContent = `#${head.header.number}`;
  $('head-hash').textContent = short(head.hash, 10, 8);
  $('head-hash').title = head.hash;
  $('head-time').textContent = formatTime(head.header.timestamp);
  view.headTime = Number(head.header.timestamp);
  view.headNumber = head.header.number;
  renderChart();
}

function renderGatekeepers(result) {
  view.gatekeepers = new Set(result.gatekeepers);
  const list = $('gatekeepers');
  list.replaceChildren(
    ...(result.gatekeepers.length === 0
      ? [el('li', { class: 'muted', text: 'none yet' })]
      : result.gatekeepers.map((g) => el('li', { text: short(g, 10, 8), title: g }))),
  );
  $('master-pubkey').textContent = result.masterPubkey
    ? short(result.masterPubkey, 10, 8)
    : 'not published yet';
  $('master-pubkey').title = result.masterPubkey ?? '';
}

function measurementCell(m) {
  const [label, value] = m.tee === 'sgx' ? ['MRENCLAVE', m.mrEnclave] : ['MRTD', m.mrTd];
  const cell = el('td', { class: 'mono', title: value });
  cell.append(el('span', { text: short(value, 10, 6) }), el('span', { class: 'sub', text: label }));
  return cell;
}

function workerRow(w) {
  const a = w.attestation;
  const nowMs = view.headTime ?? Date.now();
  const workerCell = el('td', { class: 'mono', title: w.pubkey });
  workerCell.append(el('span', { text: short(w.pubkey) }));
  if (view.gatekeepers.has(w.pubkey)) workerCell.append(pill('gatekeeper', 'info', 'badge-gk'));
  workerCell.append(
    el('span', {
      class: 'sub',
      text: `${w.features.cores} ${w.features.cores === 1 ? 'core' : 'cores'} · registered in block #${w.registeredAt}`,
    }),
  );

  const evidenceCell = el('td');
  evidenceCell.append(el('span', { text: `${a.provider} · ${a.tee}` }));
  if (a.simInsecure) evidenceCell.append(pill('sim (insecure)', 'bad', 'badge-sim'));
  evidenceCell.append(el('span', { class: 'sub', text: `confidence level ${a.confidenceLevel}` }));

  const status = a.tcbStatus ?? a.quoteStatus ?? '?';
  const tcbCell = el('td');
  tcbCell.append(pill(status, TCB_TONES[status] ?? 'warn'));
  if (a.advisoryIds.length) tcbCell.append(el('span', { class: 'sub', text: a.advisoryIds.join(', ') }));

  const operatorCell = el('td', { class: 'mono', title: w.operator, text: short(w.operator, 10, 6) });
  const attestedCell = el('td', { text: formatTime(a.attestedAt) });
  const expired = Number(a.expiresAt) <= nowMs;
  const expiresCell = el('td');
  expiresCell.append(
    el('span', { text: formatTime(a.expiresAt) }),
    el('span', {
      class: 'sub',
      text: expired ? `expired ${relative(a.expiresAt, nowMs)}` : relative(a.expiresAt, nowMs),
    }),
  );

  return el(
    'tr',
    { 'data-pubkey': w.pubkey, 'data-state': w.state },
    workerCell,
    el('td', {}, pill(w.state, STATE_TONES[w.state] ?? 'wait')),
    evidenceCell,
    tcbCell,
    measurementCell(a.measurement),
    operatorCell,
    attestedCell,
    expiresCell,
  );
}

function renderWorkers(workers) {
  const rows = $('worker-rows');
  if (workers.length === 0) {
    rows.replaceChildren(
      el('tr', { class: 'empty' }, el('td', { colSpan: 8, text: 'No workers registered yet.' })),
    );
  } else {
    rows.replaceChildren(...workers.map(workerRow));
  }
  $('worker-count').textContent = String(workers.length);
  const counts = {};
  for (const w of workers) counts[w.state] = (counts[w.state] ?? 0) + 1;
  $('worker-states').textContent =
    Object.entries(counts)
      .map(([state, n]) => `${n} ${state}`)
      .join(' · ') || 'none registered';
}

function describeEvent(event) {
  const f = event.fields;
  const who = f.worker ?? f.gatekeeper ?? f.target;
  const parts = [];
  if (who) parts.push(short(who));
  if (f.from !== undefined || f.to !== undefined) parts.push(`${f.from ?? '∅'} → ${f.to}`);
  if (f.masterPubkey) parts.push(`master ${short(f.masterPubkey)}`);
  if (f.score !== undefined) parts.push(`score ${f.score}`);
  if (f.contract !== undefined) parts.push(`contract #${f.contract}`);
  if (f.amount !== undefined) parts.push(formatAmount(f.amount));
  if (f.challengeBlock !== undefined) parts.push(`challenge #${f.challengeBlock}`);
  if (f.strikes !== undefined) parts.push(`strikes ${f.strikes}`);
  return parts.join('  ');
}

function renderEvents(blockEvents) {
  const list = $('events');
  const relevant = blockEvents.events.filter((e) => EVENT_MODULES.has(e.module));
  for (const event of relevant) {
    const item = el(
      'li',
      { 'data-event': `${event.module}.${event.name}` },
      el('span', { class: 'block mono', text: `#${blockEvents.number}` }),
      el('strong', { text: `${event.module}.${event.name}` }),
      el('span', { class: 'mono', text: `  ${describeEvent(event)}` }),
    );
    list.prepend(item);
  }
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
}

// ---- liveness (issue 9) ----------------------------------------------------------------------------

function sessionRow(s, stake) {
  const workerCell = el('td', { class: 'mono', title: s.worker });
  workerCell.append(el('span', { text: short(s.worker) }));
  workerCell.append(el('span', { class: 'sub', text: `session ${s.session} · since #${s.startedAt}` }));
  const stakeCell = el('td');
  if (stake) {
    stakeCell.append(el('span', { text: formatAmount(stake.active) }));
    stakeCell.append(el('span', { class: 'sub', text: `min ${formatAmount(stake.minStake)}` }));
  } else {
    stakeCell.append(el('span', { class: 'muted', text: 'none' }));
  }
  const last = s.lastHeartbeatBlock === 0 ? 'none yet' : `#${s.lastHeartbeatBlock}`;
  const challenge = s.pending ? `#${s.pending.block}, due #${s.pending.deadline}` : '–';
  return el(
    'tr',
    { 'data-worker': s.worker, 'data-session-state': s.state },
    workerCell,
    el('td', {}, pill(s.state, SESSION_TONES[s.state] ?? 'wait')),
    stakeCell,
    el('td', { text: last }),
    el('td', { text: challenge }),
    el('td', { text: `${s.strikes} · ${s.misses}` }),
    el('td', { text: String(s.contracts) }),
    el('td', { text: formatAmount(s.rewards) }),
  );
}

function renderSessions(sessions, stakes) {
  const rows = $('session-rows');
  if (sessions.length === 0) {
    rows.replaceChildren(el('tr', { class: 'empty' }, el('td', { colSpan: 8, text: 'No sessions yet.' })));
  } else {
    rows.replaceChildren(...sessions.map((s) => sessionRow(s, stakes.get(s.worker))));
  }
}

function renderAssignments(contracts) {
  $('assignments').replaceChildren(
    ...contracts.map((c) => {
      const item = el('li', { 'data-contract': String(c.contract) });
      item.append(
        el('strong', { text: `#${c.contract}` }),
        el('span', { class: 'muted', text: `  ${c.workers.length}/${c.replicas} replicas` }),
      );
      for (const w of c.workers) item.append(el('span', { class: 'sub mono', title: w, text: short(w) }));
      return item;
    }),
  );
}

/** Counts heartbeats and misses per block from a block's events; lists slashes and other liveness events. */
function recordLiveness(blockEvents) {
  const list = $('liveness-events');
  for (const event of blockEvents.events) {
    if (!LIVENESS_MODULES.has(event.module)) continue;
    const name = `${event.module}.${event.name}`;
    if (name === 'computation.HeartbeatAccepted' || name === 'computation.HeartbeatMissed') {
      const counts = view.liveness.get(blockEvents.number) ?? { beats: 0, misses: 0 };
      if (name === 'computation.HeartbeatAccepted') counts.beats += 1;
      else counts.misses += 1;
      view.liveness.set(blockEvents.number, counts);
    }
    if (SLASH_EVENTS.has(name)) {
      const f = event.fields;
      const text =
        name === 'computation.Slashed'
          ? `${formatAmount(f.amount)} from ${short(f.worker)} (miss at #${f.missBlock}; ${formatAmount(f.ownersShare)} to contract owners)`
          : `waived for ${short(f.worker)} (miss at #${f.missBlock}: outage)`;
      $('slashes').prepend(
        el(
          'li',
          { 'data-event': name },
          el('span', { class: 'block mono', text: `#${blockEvents.number} ` }),
          el('span', { text }),
        ),
      );
      while ($('slashes').children.length > MAX_SLASHES) $('slashes').lastElementChild.remove();
    }
    if (CHART_ONLY.has(name)) continue;
    list.prepend(
      el(
        'li',
        { 'data-event': name },
        el('span', { class: 'block mono', text: `#${blockEvents.number}` }),
        el('strong', { text: name }),
        el('span', { class: 'mono', text: `  ${describeEvent(event)}` }),
      ),
    );
  }
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  renderChart();
}

/** Bars per block over the last CHART_BLOCKS blocks: heartbeats up (green), misses down (red). */
function renderChart() {
  const svg = $('liveness-chart');
  const head = view.headNumber;
  if (!svg || head === undefined) return;
  const first = Math.max(1, head - CHART_BLOCKS + 1);
  for (const number of view.liveness.keys()) if (number < first) view.liveness.delete(number);
  let beats = 0;
  let misses = 0;
  let peak = 1;
  for (const c of view.liveness.values()) {
    beats += c.beats;
    misses += c.misses;
    peak = Math.max(peak, c.beats, c.misses);
  }
  const width = 600 / CHART_BLOCKS;
  const half = 58;
  const shapes = [];
  const axis = document.createElementNS(SVG_NS, 'line');
  axis.setAttribute('class', 'axis');
  axis.setAttribute('x1', '0');
  axis.setAttribute('x2', '600');
  axis.setAttribute('y1', '60');
  axis.setAttribute('y2', '60');
  shapes.push(axis);
  for (const [number, c] of view.liveness) {
    const x = (number - first) * width;
    for (const [kind, count] of [
      ['beat', c.beats],
      ['miss', c.misses],
    ]) {
      if (count === 0) continue;
      const h = (count / peak) * half;
      const bar = document.createElementNS(SVG_NS, 'rect');
      bar.setAttribute('class', kind);
      bar.setAttribute('x', String(x));
      bar.setAttribute('width', String(Math.max(1, width - 1)));
      bar.setAttribute('y', String(kind === 'beat' ? 60 - h : 60));
      bar.setAttribute('height', String(h));
      bar.setAttribute('data-block', String(number));
      const title = document.createElementNS(SVG_NS, 'title');
      title.textContent = `#${number}: ${count} ${kind === 'beat' ? 'heartbeat' : 'miss'}${count === 1 ? '' : kind === 'beat' ? 's' : 'es'}`;
      bar.append(title);
      shapes.push(bar);
    }
  }
  svg.replaceChildren(...shapes);
  $('heartbeat-total').textContent = String(beats);
  $('miss-total').textContent = String(misses);
  $('chart-blocks').textContent = String(head - first + 1);
}

// ---- nodes (issue 10) ------------------------------------------------------------------------------

/**
 * One JSON-RPC call over HTTP POST. The nodes table asks every node of the cluster itself, not
 * through this page's node: each node's health is its own word. Other nodes are other origins; the
 * nodes answer CORS for loopback pages (and --rpc-cors origins).
 */
async function httpCall(url, method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(NODE_TIMEOUT_MS),
  });
  const data = await response.json();
  if (data.error) throw new Error(`${data.error.message} (${data.error.code})`);
  return data.result;
}

/** The nodes as last listed: when this page's node is down, the others are still asked. */
let knownNodes = [];

/** The cluster's nodes with each one's health (or why it did not answer); a lone node is one row. */
async function readNodes() {
  const self = location.origin;
  let nodes;
  try {
    nodes = await httpCall(self, 'system_nodes');
    knownNodes = nodes;
  } catch (error) {
    if (knownNodes.length === 0) throw error;
    nodes = knownNodes;
  }
  if (nodes.length === 0)
    return [{ name: 'this node', rpcUrl: self, health: await httpCall(self, 'system_health') }];
  return Promise.all(
    nodes.map(async (node) => {
      if (!node.rpcUrl) return { ...node, error: 'no RPC address' };
      try {
        return { ...node, health: await httpCall(node.rpcUrl, 'system_health') };
      } catch (error) {
        return { ...node, error: error.name === 'TimeoutError' ? 'no answer' : 'unreachable' };
      }
    }),
  );
}

function nodeRow(node) {
  const h = node.health;
  const nameCell = el('td');
  nameCell.append(el('span', { text: node.name }));
  nameCell.append(el('span', { class: 'sub mono', text: node.rpcUrl ?? '' }));
  if (!h) {
    return el(
      'tr',
      { 'data-node': node.name, 'data-role': 'unknown' },
      nameCell,
      el('td', {}, pill(node.error, 'bad')),
      el('td', { class: 'muted', text: '–' }),
      el('td', { class: 'muted', text: '–' }),
      el('td', { class: 'muted', text: '–' }),
    );
  }
  const headCell = el('td', { class: 'mono' });
  headCell.append(
    el('span', { text: `#${h.bestNumber}` }),
    el('span', { class: 'sub', text: short(h.bestHash, 10, 8) }),
  );
  headCell.title = h.bestHash;
  const syncCell = el('td');
  syncCell.append(pill(h.inSync ? 'yes' : 'no', h.inSync ? 'ok' : 'warn'));
  if (h.logNumber !== undefined)
    syncCell.append(el('span', { class: 'sub', text: `log at #${h.logNumber}` }));
  return el(
    'tr',
    { 'data-node': node.name, 'data-role': h.role, 'data-in-sync': String(h.inSync) },
    nameCell,
    el(
      'td',
      {},
      pill(h.role, h.role === 'proposer' ? 'info' : 'wait'),
      el('span', { class: 'sub', text: h.ordering }),
    ),
    headCell,
    syncCell,
    h.halted
      ? el('td', {}, pill('halted', 'bad'), el('span', { class: 'sub', text: h.halted }))
      : el('td', { class: 'muted', text: '–' }),
  );
}

function renderNodes(nodes) {
  $('node-rows').replaceChildren(...nodes.map(nodeRow));
}

/** Refreshes the nodes table every NODES_REFRESH_MS, apart from the WebSocket (which one node serves). */
function watchNodes() {
  const refresh = async () => {
    try {
      renderNodes(await readNodes());
    } catch (error) {
      console.error('nodes refresh failed', error);
    } finally {
      setTimeout(refresh, NODES_REFRESH_MS);
    }
  };
  void refresh();
}

function renderConnection(state) {
  const badge = $('connection');
  badge.dataset.state = state;
  badge.textContent = state;
  badge.className = `pill ${state === 'live' ? 'pill-ok' : state === 'connecting' ? 'pill-wait' : 'pill-bad'}`;
}

// ---- data ---------------------------------------------------------------------------------------

async function listAllWorkers(rpc) {
  const workers = [];
  let startAfter;
  do {
    const page = await rpc.call('registry_listWorkers', [
      startAfter ? { startAfter, limit: WORKER_PAGE } : { limit: WORKER_PAGE },
    ]);
    workers.push(...page.workers);
    startAfter = page.next ?? undefined;
  } while (startAfter);
  return workers;
}

async function listAllSessions(rpc) {
  const sessions = [];
  let startAfter;
  do {
    const page = await rpc.call('computation_listSessions', [
      startAfter ? { startAfter, limit: SESSION_PAGE } : { limit: SESSION_PAGE },
    ]);
    sessions.push(...page.sessions);
    startAfter = page.next ?? undefined;
  } while (startAfter);
  return sessions;
}

/** Each session's stake (one call per worker: a development dashboard, not an explorer). */
async function stakesOf(rpc, sessions) {
  const stakes = await Promise.all(sessions.map((s) => rpc.call('staking_getStake', [s.worker])));
  return new Map(sessions.map((s, i) => [s.worker, stakes[i]]));
}

/** Events of the last blocks before the subscription began, oldest first (the lists show newest on top). */
async function backfillEvents(rpc, headNumber) {
  $('events').replaceChildren();
  $('liveness-events').replaceChildren();
  $('slashes').replaceChildren();
  view.liveness.clear();
  for (let number = Math.max(1, headNumber - BACKFILL_BLOCKS + 1); number <= headNumber; number++) {
    const hash = await rpc.call('chain_getBlockHash', [number]);
    const events = hash && (await rpc.call('chain_getEvents', [hash]));
    if (events) {
      renderEvents(events);
      recordLiveness(events);
    }
  }
}

function start() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  let refreshing = false;
  let dirty = false;

  // New blocks can arrive faster than a refresh completes: coalesce them into one more refresh.
  async function refresh() {
    if (refreshing) {
      dirty = true;
      return;
    }
    refreshing = true;
    try {
      do {
        dirty = false;
        const [gatekeepers, workers, sessions, contracts] = await Promise.all([
          rpc.call('gatekeeper_getGatekeepers'),
          listAllWorkers(rpc),
          listAllSessions(rpc),
          rpc.call('contracts_getAssignments'),
        ]);
        renderGatekeepers(gatekeepers);
        renderWorkers(workers);
        renderSessions(sessions, await stakesOf(rpc, sessions));
        renderAssignments(contracts);
        document.body.dataset.loaded = 'true';
      } while (dirty);
    } catch (error) {
      console.error('refresh failed', error);
    } finally {
      refreshing = false;
    }
  }

  const rpc = connect(url, {
    onState: renderConnection,
    async onOpen() {
      const [properties, policy, head] = await Promise.all([
        rpc.call('system_properties'),
        rpc.call('registry_getPolicy'),
        rpc.call('chain_getHeader'),
      ]);
      $('chain-name').textContent = properties.chain;
      document.title = `Phalanx · ${properties.chain}`;
      $('insecure-banner').hidden = policy.roots.every((root) => root.intel);
      if (head) renderHead(head);
      await rpc.call('chain_subscribeNewHeads');
      await refresh();
      // Then the event list: recent history, and live events on top of it (a block sealed in
      // between may be missing from the list; the worker table does not depend on it).
      if (head) await backfillEvents(rpc, head.header.number);
      await rpc.call('chain_subscribeEvents');
    },
    onNotification(method, result) {
      if (method === 'chain_newHead') {
        renderHead(result);
        void refresh();
      } else if (method === 'chain_events') {
        renderEvents(result);
        recordLiveness(result);
      }
    },
  });
}

start();
watchNodes();
