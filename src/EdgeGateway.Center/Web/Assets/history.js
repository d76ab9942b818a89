// The alarm history page: filters by school, kind, state and time range; newest first.
'use strict';
(() => {
  const form = document.getElementById('history-filter');
  let rows = [];

  function render() {
    const body = document.querySelector('#history tbody');
    body.replaceChildren();
    for (const alarm of rows) {
      const row = body.insertRow();
      row.dataset.historyId = alarm.id;
      Board.cell(row, Board.time(alarm.timestamp));
      Board.cell(row, alarm.gateway);
      Board.cell(row, alarm.location || alarm.input);
      Board.cell(row, Board.kind(alarm.kind));
      Board.cell(row, Board.state(alarm.state));
      Board.cell(row, Lang.t('ms', Math.round(alarm.latencyMs)));
      Board.cell(row, alarm.ackedBy ?? Lang.t('state.awaiting'));
      Board.cell(row, Board.time(alarm.ackedAt));
    }
    if (rows.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = 8;
      cell.className = 'quiet';
      cell.textContent = Lang.t('noHistory');
    }
  }

  async function load() {
    const query = new URLSearchParams();
    for (const name of ['site', 'kind', 'state']) {
      if (form.elements[name].value) { query.set(name, form.elements[name].value); }
    }
    for (const name of ['from', 'to']) {
      // datetime-local is this screen's local time; the server wants an instant.
      if (form.elements[name].value) { query.set(name, new Date(form.elements[name].value).toISOString()); }
    }
    const response = await fetch(`api/history?${query}`);
    if (response.status === 401) { location.href = 'login'; return; }
    rows = await response.json();
    render();
  }

  form.addEventListener('submit', e => { e.preventDefault(); load(); });
  Lang.onChange(render);
  Board.addPage({ id: 'history', show: load, onSnapshot: snapshot => Board.schools(form.elements.site, snapshot) });
})();
