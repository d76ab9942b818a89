// The fault tickets page (only with --db): open tickets with their age and the operator's steps; the history as CSV.
'use strict';
(() => {
  let tickets = [];

  function render() {
    const body = document.querySelector('#tickets tbody');
    body.replaceChildren();
    for (const ticket of tickets) {
      const row = body.insertRow();
      row.dataset.ticketId = ticket.id;
      row.dataset.state = ticket.state;
      Board.cell(row, `#${ticket.id}`);
      Board.cell(row, Lang.t(`ticket.${ticket.state}`));
      Board.cell(row, Board.duration(ticket.ageSeconds ?? 0));
      Board.cell(row, ticket.gateway);
      Board.cell(row, ticket.location || ticket.source);
      Board.cell(row, ticket.source);
      Board.cell(row, ticket.fault);
      const steps = row.insertCell();
      for (const action of ['ack', 'fix', 'close']) {
        if ((action === 'ack' && ticket.state !== 'discovered') || (action === 'fix' && ticket.state === 'rectified')) { continue; }
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `ticket-${action}`;
        button.textContent = Lang.t(`ticketAction.${action}`);
        button.addEventListener('click', () => change(ticket.id, action, button));
        steps.append(button);
      }
    }
    document.getElementById('no-tickets').hidden = tickets.length > 0;
  }

  async function load() {
    const response = await fetch('api/tickets');
    if (response.status === 401) { location.href = 'login'; return; }
    if (response.ok) { tickets = await response.json(); render(); }
  }

  async function change(id, action, button) {
    button.disabled = true;
    const error = document.getElementById('ticket-error');
    const note = document.getElementById('ticket-note');
    const response = await fetch(`api/tickets/${id}/${action}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ note: note.value }),
    }).catch(() => null);
    if (response?.status === 401) { location.href = 'login'; return; }
    error.hidden = response?.ok === true;
    error.textContent = Lang.t('ticketFailed', response?.status ?? '');
    if (response?.ok) { note.value = ''; }
    await load();
  }

  function exportLink() {
    const form = document.getElementById('ticket-export');
    const query = new URLSearchParams();
    if (form.elements.from.value) { query.set('from', form.elements.from.value); }
    if (form.elements.to.value) { query.set('to', form.elements.to.value); }
    document.getElementById('tickets-csv').href = `api/tickets.csv?${query}`;
  }

  // The page exists only when the center keeps records: without --db the endpoint is not there.
  fetch('api/tickets').then(response => {
    if (!response.ok) { return; }
    document.getElementById('ticket-export').addEventListener('input', exportLink);
    exportLink();
    Lang.onChange(render);
    // A fault, a restore or a test press changes the board: the open list is read again while it is shown.
    Board.addPage({ id: 'tickets', show: load, onSnapshot: () => { if (!document.querySelector('section[data-page=tickets]').hidden) { load(); } } });
  });
})();
