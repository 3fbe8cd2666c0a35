// The dashboard: asks for a key once (kept for this tab), then follows GET /v1/events (the
// event-log objects, read with fetch so the key goes in a header, not the URL) and refreshes
// GET /v1/pool on events and every 2 s. Everything shown is written with textContent.
//
// GET /v1/me says which run of the server answers (startedAt) and its uptime: an event's t is
// milliseconds since that start, so the charts place each event, the replayed backlog included,
// at its own time; a new startedAt after a reconnect is a restarted server, whose task and event
// ids start over, so what the page showed of the old one is dropped. While the server cannot be
// reached the page shows "reconnecting" and tries again, quietly.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const STATES = ['SPAWNING', 'READY', 'BUSY', 'IDLE', 'DESTROYING', 'FAILED'];
  const FINAL = { succeeded: 'SUCCEEDED', failed: 'FAILED', timed_out: 'TIMED_OUT', cancelled: 'CANCELLED' };
  const WINDOW = 300;                      // seconds the charts show
  const RECENT = 30;                       // rows of recent tasks: the newest task ids seen
  let key = sessionStorage.getItem('trinity.key');
  let admin = false;
  let lastEventId = 0;
  let abort = null;
  let refreshTimer = null;
  let live = false;                        // the event stream is open
  let server = null;                       // {startedAt, base}: base is the server's t = 0 on this page's clock
  let generation = 0;                      // one per run of the server seen; answers from an older run are dropped
  let clustered = false;                   // a cluster node's front relayed the page: it serves /v1/cluster
  let retryMs = 1000;

  const submittedAt = new Map();           // task -> t of task.submit (ms since server start)
  const recent = new Map();                // task -> {type, tenant, state}
  const gone = new Set();                  // tasks the server no longer has: no row for them
  const seconds = new Map();               // epoch second -> {done, waits: []}
  let throughputPlot, waitPlot;

  function api(path, options = {}) {
    const headers = Object.assign({ 'Authorization': 'Bearer ' + key }, options.headers || {});
    return fetch(path, Object.assign({}, options, { headers }));
  }

  /** Runs a request's promise to its end: a server that cannot be reached is the reconnecting state, not an error. */
  function quietly(promise) {
    return promise.catch(() => {
      if (!live) setStatus(false, 'reconnecting');
    });
  }

  function setStatus(on, text) {
    $('status').textContent = text;
    $('status').className = 'status ' + (on ? 'on' : 'off');
  }

  async function connect() {
    let who;
    try {
      const me = await api('/v1/me');
      if (me.status !== 200) {
        sessionStorage.removeItem('trinity.key');
        $('login-error').textContent = me.status === 401 ? 'That key is not known.' : 'The server answered ' + me.status + '.';
        showLogin();
        return;
      }
      who = await me.json();
    } catch (e) {
      setStatus(false, 'reconnecting');    // the server is not reachable (yet): try again
      setTimeout(connect, 2000);
      return;
    }
    admin = who.role === 'admin';
    $('who').textContent = who.tenant + ' (' + who.role + ')';
    $('login').hidden = true;
    $('main').hidden = false;
    $('logout').hidden = false;
    $('admin-only').hidden = admin;
    $('dead-section').hidden = !admin;
    identify(who);
    makeCharts();
    await quietly(refresh());
    if (!admin) {
      await quietly(loadOwnTasks());
    }
    follow(false);
    setInterval(() => { if (live) quietly(refresh()); }, 2000);
    setInterval(tick, 1000);
  }

  /** Takes in who answers (GET /v1/me): a new run of the server drops what the page showed of the last. */
  function identify(who) {
    clustered = typeof who.node === 'string' && who.node !== '';
    if (server && server.startedAt === who.startedAt) return false;
    const restarted = server !== null;
    server = { startedAt: who.startedAt, base: Date.now() - Number(who.uptimeMs || 0) };
    if (restarted) reset();
    return restarted;
  }

  function reset() {
    generation++;
    lastEventId = 0;                       // the new run numbers its events from 1
    recent.clear();
    gone.clear();
    submittedAt.clear();
    seconds.clear();
    toFill.clear();
    $('timeline').replaceChildren();
    renderRecent();
    tick();
  }

  function showLogin() {
    $('main').hidden = true;
    $('login').hidden = false;
    $('logout').hidden = true;
    $('key').focus();
  }

  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    key = $('key').value.trim();
    if (!key) return;
    sessionStorage.setItem('trinity.key', key);
    $('login-error').textContent = '';
    connect();
  });
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem('trinity.key');
    location.reload();
  });

  // ---- the event stream ---------------------------------------------------------------------

  async function follow(reconnect) {
    abort = new AbortController();
    try {
      if (reconnect) {
        // who answers now: a restarted server starts its task and event ids over
        const me = await api('/v1/me');
        if (me.status === 401) {
          sessionStorage.removeItem('trinity.key');
          $('login-error').textContent = 'That key is not known to the server any more.';
          showLogin();
          return;
        }
        if (me.status !== 200) throw new Error('me: ' + me.status);
        if (identify(await me.json())) {
          quietly(refresh());
          if (admin) loadDeadLetters();
          else quietly(loadOwnTasks());
        }
      }
      const res = await api('/v1/events', {
        headers: { 'Accept': 'text/event-stream', 'Last-Event-ID': String(lastEventId) },
        signal: abort.signal
      });
      if (res.status !== 200) throw new Error('events: ' + res.status);
      live = true;
      retryMs = 1000;
      setStatus(true, 'live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (e) {
      // reconnects below, resuming after the last event seen
    }
    live = false;
    setStatus(false, 'reconnecting');
    setTimeout(() => follow(true), retryMs);
    retryMs = Math.min(retryMs * 2, 8000);
  }

  function dispatch(block) {
    let id = null;
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (!data.length) return;
    if (id !== null) lastEventId = Number(id);
    try {
      onEvent(JSON.parse(data.join('\n')));
    } catch (e) {
      console.warn('bad event', e);
    }
  }

  function onEvent(e) {
    switch (e.ev) {
      case 'task.submit':
        submittedAt.set(e.task, e.t);
        remember(e.task, { type: e.type, tenant: e.tenant, state: 'QUEUED' });
        break;
      case 'task.dispatch': {
        const at = submittedAt.get(e.task);
        if (at !== undefined) {
          const b = bucket(e.t);
          if (b) b.waits.push(e.t - at);
          submittedAt.delete(e.task);
        }
        remember(e.task, { state: 'RUNNING' });
        break;
      }
      case 'task.end':
        if (FINAL[e.outcome]) {
          const b = bucket(e.t);
          if (b) b.done++;
          remember(e.task, { state: FINAL[e.outcome] });
        }
        break;
      case 'task.retry':
        remember(e.task, { state: 'QUEUED' });
        break;
      case 'task.deadletter':
        remember(e.task, { state: 'DEAD_LETTERED' });
        if (admin) loadDeadLetters();
        break;
      case 'scale.decision':
        timeline(e, e.type + ' target ' + e.from + ' \u2192 ' + e.to + ' (' + e.reason + ', queue ' + e.queue + ')');
        break;
      default:
        if (e.ev.startsWith('health.')) {
          timeline(e, e.ev + ' ' + (e.type || e.agent || '') + (e.reason ? ' (' + e.reason + ')' : '')
              + (e.cause ? ': ' + e.cause : ''));
        }
    }
    if (submittedAt.size > 10000) submittedAt.delete(submittedAt.keys().next().value);
    scheduleRefresh();
  }

  // ---- recent tasks: the newest RECENT task ids seen, newest first --------------------------

  function remember(task, fields) {
    let row = recent.get(task);
    if (!row) {
      if (gone.has(task)) return;
      if (recent.size >= RECENT && task < Math.min(...recent.keys())) return; // older than every row shown
      row = { type: '?', tenant: '?', state: '?' };
      recent.set(task, row);
      if (recent.size > RECENT) recent.delete(Math.min(...recent.keys()));
    }
    Object.assign(row, fields);
    if (row.type === '?') fill(task);      // its task.submit left the server's backlog: ask for the task
    renderRecent();
  }

  // Rows whose task.submit the page never saw, filled from GET /v1/tasks/{id}, two at a time.
  const toFill = new Set();
  let filling = 0;

  function fill(task) {
    toFill.add(task);
    pump();
  }

  function pump() {
    while (filling < 2 && toFill.size) {
      const task = toFill.values().next().value;
      toFill.delete(task);
      const row = recent.get(task);
      if (!row || row.type !== '?') continue;
      const gen = generation;
      filling++;
      api('/v1/tasks/' + encodeURIComponent(task)).then(async (res) => {
        if (gen !== generation) return;
        if (res.status === 404) {          // forgotten by the server: show no row rather than "?"
          gone.add(task);
          if (gone.size > 1000) gone.delete(gone.values().next().value);
          recent.delete(task);
        } else if (res.status === 200) {
          const t = await res.json();
          const r = recent.get(task);
          if (gen !== generation || !r) return;
          r.type = t.type;
          r.tenant = t.tenant;
          if (r.state === '?') r.state = t.state;
        }
        renderRecent();
      }).catch(() => {}).finally(() => {
        filling--;
        pump();
      });
    }
  }

  function renderRecent() {
    const body = $('recent').tBodies[0];
    body.replaceChildren(...[...recent.entries()].sort(([a], [b]) => b - a).map(([task, r]) => {
      const tr = row([task, r.type, r.tenant, r.state]);
      tr.dataset.task = String(task);
      tr.dataset.state = r.state;
      return tr;
    }));
  }

  function timeline(e, text) {
    const li = document.createElement('li');
    li.textContent = (e.t / 1000).toFixed(1) + ' s  ' + text;
    li.dataset.ev = e.ev;
    $('timeline').prepend(li);
    while ($('timeline').children.length > 200) $('timeline').lastChild.remove();
  }

  // ---- the pool -----------------------------------------------------------------------------

  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => { refreshTimer = null; quietly(refresh()); }, 200);
  }

  // ---- the cluster (served by a cluster node's front, which /v1/me names; a single server has none)

  async function refreshCluster() {
    if (!clustered) return;
    const res = await api('/v1/cluster');
    if (res.status === 404) {
      clustered = false;
      return;
    }
    if (res.status !== 200) return;
    const c = await res.json();
    $('cluster-section').hidden = false;
    const s = c.schedulerNode || {};
    $('cluster-scheduler').textContent = s.node
        ? 'scheduler ' + s.node + ' (epoch ' + s.epoch + (s.leaseValid ? '' : ', lease over') + ')'
        : 'no scheduler yet';
    $('cluster-nodes').tBodies[0].replaceChildren(...(c.nodes || []).map((n) => {
      const tr = row([n.node + (n.node === s.node ? ' \u2605' : ''), n.state, n.agents, n.maxAgents, n.busy, n.calls,
        (n.heartbeatAgoMillis / 1000).toFixed(1) + ' s ago']);
      tr.dataset.node = n.node;
      tr.className = n.state === 'up' ? '' : 'down';
      return tr;
    }));
    $('cluster-events').replaceChildren(...(c.events || []).slice(0, 8).map((e) => {
      const li = document.createElement('li');
      li.textContent = e.at.substring(11, 19) + ' ' + e.kind + ' ' + (e.node || '')
          + (e.millis != null ? ' (' + e.millis + ' ms)' : '') + ': ' + (e.detail || '');
      return li;
    }));
  }

  async function refresh() {
    refreshCluster().catch(() => {});
    if (!admin) return;
    const res = await api('/v1/pool');
    if (res.status !== 200) return;
    const p = await res.json();
    $('agent-total').textContent = p.agents.total;
    $('agents').tBodies[0].replaceChildren(...Object.entries(p.agents.byType).map(([type, byState]) => {
      const tr = row([type, ...STATES.map((s) => byState[s] || 0)]);
      tr.dataset.type = type;
      return tr;
    }));
    $('queue-depth').textContent = p.queue.depth;
    $('queue-type').tBodies[0].replaceChildren(...Object.entries(p.queue.byType).map(([k, v]) => row([k, v])));
    $('queue-tenant').tBodies[0].replaceChildren(...Object.entries(p.queue.byTenant).map(([k, v]) => row([k, v])));
    const t = p.tasks;
    $('counters').textContent = 'running ' + p.running + ' \u00b7 succeeded ' + (t.SUCCEEDED || 0) + ' \u00b7 failed '
        + (t.FAILED || 0) + ' \u00b7 dead-lettered ' + (t.DEAD_LETTERED || 0) + ' \u00b7 spawns ' + p.spawns
        + ' \u00b7 destroys ' + p.destroys + (p.accepting ? '' : ' \u00b7 DRAINING');
    const open = Object.entries(p.circuits).filter(([, c]) => c.state === 'open').map(([type]) => type);
    $('circuits').textContent = open.length ? 'open circuits: ' + open.join(', ') : '';
    if (Number(p.deadLetters) !== Number($('dead-count').textContent)) loadDeadLetters();
  }

  // The dead letters, read again when they change: at most one read in flight, and one more after
  // it for whatever changed meanwhile, however many task.deadletter events arrive at once.
  let deadLoading = null;
  let deadAgain = false;

  function loadDeadLetters() {
    if (deadLoading) {
      deadAgain = true;
      return deadLoading;
    }
    deadLoading = (async () => {
      try {
        do {
          deadAgain = false;
          await readDeadLetters();
        } while (deadAgain);
      } catch (e) {
        // the server is not reachable: the next refresh after reconnecting reads them
      } finally {
        deadLoading = null;
      }
    })();
    return deadLoading;
  }

  async function readDeadLetters() {
    const gen = generation;
    const res = await api('/v1/dead-letters');
    if (res.status !== 200) return;
    const list = (await res.json()).deadLetters;
    if (gen !== generation) return;
    $('dead-count').textContent = list.length;
    $('dead').tBodies[0].replaceChildren(...list.slice(-50).reverse().map((d) => {
      const tr = row([d.id, d.type, d.tenant, d.attempts, d.reasons[d.reasons.length - 1] || '']);
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.textContent = 'resubmit';
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          await api('/v1/dead-letters/' + encodeURIComponent(d.id) + '/resubmit', { method: 'POST' });
        } catch (e) {
          b.disabled = false;              // not reachable: it may be tried again
          return;
        }
        loadDeadLetters();
      });
      td.append(b);
      tr.append(td);
      return tr;
    }));
  }

  async function loadOwnTasks() {
    const gen = generation;
    const res = await api('/v1/tasks?limit=' + RECENT);
    if (res.status !== 200) return;
    const page = await res.json();
    if (gen !== generation) return;
    for (const t of page.tasks.reverse()) {
      remember(Number(t.id), { type: t.type, tenant: t.tenant, state: t.state });
    }
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = String(c);
      tr.append(td);
    }
    return tr;
  }

  // ---- charts: per second of the events' own times, the last WINDOW seconds --------------------

  /** The bucket of the second an event happened in (t: ms since the server's start); null if older than the charts. */
  function bucket(t) {
    const now = Math.floor(Date.now() / 1000);
    const sec = Math.min(now, Math.floor((server.base + t) / 1000));
    if (sec <= now - WINDOW) return null;
    let b = seconds.get(sec);
    if (!b) {
      b = { done: 0, waits: [] };
      seconds.set(sec, b);
    }
    return b;
  }

  function percentile(sorted, p) {
    if (!sorted.length) return null;
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  function makeCharts() {
    if (throughputPlot || typeof uPlot === 'undefined') return;
    const width = () => Math.max(300, $('chart-throughput').clientWidth || 400);
    throughputPlot = new uPlot({ width: width(), height: 180, series: [{}, { label: 'tasks/s', stroke: '#2e6fd8', fill: 'rgba(46,111,216,.1)' }] },
        [[], []], $('chart-throughput'));
    waitPlot = new uPlot({ width: width(), height: 180, series: [{}, { label: 'p50 ms', stroke: '#2e8b57' }, { label: 'p95 ms', stroke: '#d8822e' }] },
        [[], [], []], $('chart-wait'));
  }

  function tick() {
    const now = Math.floor(Date.now() / 1000);
    for (const sec of seconds.keys()) {
      if (sec <= now - WINDOW) seconds.delete(sec);
    }
    const xs = [], done = [], p50 = [], p95 = [];
    for (let sec = now - WINDOW + 1; sec <= now; sec++) {
      const b = seconds.get(sec);
      const waits = [];
      for (let w = sec - 9; w <= sec; w++) {
        const wb = seconds.get(w);
        if (wb) for (const ms of wb.waits) waits.push(ms);
      }
      waits.sort((a, c) => a - c);
      xs.push(sec);
      done.push(b ? b.done : 0);
      p50.push(percentile(waits, 0.5));
      p95.push(percentile(waits, 0.95));
    }
    // the counts per second, oldest first, for anyone reading the page's data (and its tests)
    $('chart-throughput').dataset.series = done.join(',');
    if (throughputPlot) {
      throughputPlot.setData([xs, done]);
      waitPlot.setData([xs, p50, p95]);
    }
  }

  if (key) {
    connect();
  } else {
    showLogin();
  }
})();
