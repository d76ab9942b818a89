// The board page and the page registry: another page (e.g. patrol tickets) is a <section data-page="…"> in index.html,
// a script calling Board.addPage({ id, show, onSnapshot }), and its strings in i18n.js.
'use strict';
const Board = {
  pages: [],
  snapshot: null,
  // The server's clock at the snapshot, against ours: ages shown are the server's, whatever this screen's clock says.
  clockOffset: 0,

  addPage(page) {
    Board.pages.push(page);
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.i18n = `page.${page.id}`;
    button.dataset.pageButton = page.id;
    button.textContent = Lang.t(`page.${page.id}`);
    button.addEventListener('click', () => Board.show(page.id));
    document.getElementById('pages').append(button);
  },

  show(id) {
    for (const section of document.querySelectorAll('section[data-page]')) {
      section.hidden = section.dataset.page !== id;
    }
    for (const button of document.querySelectorAll('[data-page-button]')) {
      if (button.dataset.pageButton === id) { button.setAttribute('aria-current', 'page'); } else { button.removeAttribute('aria-current'); }
    }
    Board.pages.find(p => p.id === id)?.show?.();
  },

  now() { return Date.now() + Board.clockOffset; },

  age(iso) {
    if (!iso) { return Lang.t('none'); }
    const seconds = Math.max(0, Math.round((Board.now() - Date.parse(iso)) / 1000));
    if (seconds < 120) { return Lang.t('secondsAgo', seconds); }
    if (seconds < 7200) { return Lang.t('minutesAgo', Math.round(seconds / 60)); }
    return Lang.t('hoursAgo', Math.round(seconds / 3600));
  },

  duration(seconds) {
    return seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
  },

  time(iso) {
    return iso ? new Date(iso).toLocaleString(Lang.current, { hour12: false }) : Lang.t('none');
  },

  cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  },

  // A school filter: every school on the board is an option (kept once seen, so a choice survives a silent school).
  schools(select, snapshot) {
    const known = new Set([...select.options].map(o => o.value));
    for (const site of new Set(snapshot.gateways.map(g => g.site))) {
      if (!known.has(site)) { select.add(new Option(site, site)); }
    }
  },

  kind(kind) { return I18N[Lang.current][`kind.${kind}`] ?? kind; },
  state(state) { return I18N[Lang.current][`state.${state}`] ?? state; },
};

function renderAlarms(snapshot) {
  const body = document.querySelector('#alarms tbody');
  body.replaceChildren();
  for (const alarm of snapshot.alarms) {
    const row = body.insertRow();
    row.dataset.alarmId = alarm.id;
    Board.cell(row, Board.time(alarm.timestamp));
    Board.cell(row, alarm.gateway);
    Board.cell(row, alarm.location || alarm.input);
    Board.cell(row, Board.kind(alarm.kind), 'kind');
    Board.cell(row, Board.state(alarm.state));
    Board.cell(row, Lang.t('ms', Math.round(alarm.latencyMs)));
    const button = document.createElement('button');
    button.className = 'ack';
    button.type = 'button';
    button.textContent = Lang.t('acknowledge');
    button.addEventListener('click', () => acknowledge(alarm.id, button));
    row.insertCell().append(button);
  }
  document.getElementById('no-alarms').hidden = snapshot.alarms.length > 0;
}

function renderGateways(snapshot) {
  const body = document.querySelector('#gateways tbody');
  body.replaceChildren();
  const silent = [];
  for (const gateway of snapshot.gateways) {
    const row = body.insertRow();
    row.dataset.gateway = gateway.gateway;
    row.dataset.state = gateway.state;
    Board.cell(row, gateway.site);
    Board.cell(row, gateway.gateway.slice(gateway.site.length + 1));
    const state = Board.cell(row, '');
    const badge = document.createElement('span');
    badge.className = `badge state-${gateway.state}`;
    badge.textContent = Lang.t(`gw.${gateway.state}`)
      + (gateway.state === 'offline' && gateway.offlineReason ? ` (${Lang.t(`reason.${gateway.offlineReason}`)})` : '');
    state.append(badge);
    Board.cell(row, Board.age(gateway.lastHeardAt));
    const health = gateway.health;
    Board.cell(row, health ? Board.age(health.timestamp) : Lang.t('none'));
    Board.cell(row, health ? Lang.t('outboxDepth', health.alarmDepth, health.eventDepth, health.telemetryDepth) : Lang.t('none'));
    Board.cell(row, health?.testMode
      ? Lang.t('testModeOn', health.testModeInputs === 'all' ? Lang.t('testModeAll') : health.testModeInputs, Board.time(health.testModeUntil))
      : Lang.t('none'), health?.testMode ? 'test-mode' : '');
    Board.cell(row, gateway.missingSeqs > 0 ? Lang.t('gapCount', gateway.missingSeqs, gateway.firstMissingSeq) : Lang.t('none'), gateway.missingSeqs > 0 ? 'gap' : '');
    if (gateway.state === 'silent') {
      const heard = gateway.lastHeardAt
        ? Lang.t('silentFor', Board.duration(Math.round((Board.now() - Date.parse(gateway.lastHeardAt)) / 1000)), Board.duration(snapshot.reportingSeconds))
        : Lang.t('neverHeard');
      silent.push(`${gateway.gateway} — ${heard}`);
    }
  }
  const banner = document.getElementById('silent-banner');
  banner.hidden = silent.length === 0;
  banner.textContent = Lang.t('schoolSilent', silent.join('; '));
}

function render() {
  const snapshot = Board.snapshot;
  if (!snapshot) { return; }
  const connection = document.getElementById('connection');
  connection.textContent = Lang.t(snapshot.connected ? 'connected' : 'disconnected');
  connection.className = `badge ${snapshot.connected ? 'connection-up' : 'connection-down'}`;
  renderAlarms(snapshot);
  renderGateways(snapshot);
}

async function acknowledge(id, button) {
  button.disabled = true;
  button.textContent = Lang.t('acknowledging');
  const error = document.getElementById('ack-error');
  try {
    const response = await fetch('api/ack', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) });
    if (response.status === 401) { location.href = 'login'; return; }
    error.hidden = response.ok || response.status === 409;
    if (!error.hidden) {
      const problem = await response.json().catch(() => ({}));
      error.textContent = Lang.t('ackFailed', problem.detail ?? response.status);
      button.disabled = false;
      button.textContent = Lang.t('acknowledge');
    }
  } catch (e) {
    error.hidden = false;
    error.textContent = Lang.t('ackFailed', e.message);
    button.disabled = false;
    button.textContent = Lang.t('acknowledge');
  }
}

function connect() {
  // EventSource reconnects by itself after a lost stream; each connection starts with the whole board.
  const events = new EventSource('api/events');
  events.addEventListener('board', e => {
    Board.snapshot = JSON.parse(e.data);
    Board.clockOffset = Date.parse(Board.snapshot.at) - Date.now();
    render();
    Board.pages.forEach(p => p.onSnapshot?.(Board.snapshot));
  });
  events.addEventListener('error', async () => {
    // A stream refused because the sign-in expired: back to the sign-in page.
    const session = await fetch('api/session').catch(() => null);
    if (session?.status === 401) { location.href = 'login'; }
  });
}

Board.addPage({ id: 'board' });
Lang.onChange(render);
// Ages move on between messages.
setInterval(render, 5000);
fetch('api/session').then(r => r.ok ? r.json() : null).then(s => {
  if (s) {
    document.getElementById('operator').dataset.operator = s.operator;
    document.getElementById('operator').textContent = Lang.t('signedInAs', s.operator);
  }
});
Lang.onChange(() => {
  const element = document.getElementById('operator');
  if (element.dataset.operator) { element.textContent = Lang.t('signedInAs', element.dataset.operator); }
});
connect();
Board.show('board');
