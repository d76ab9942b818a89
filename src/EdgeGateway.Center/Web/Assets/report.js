// The button-test report page (only with --db): a school and a period, the report as the server renders it, and its CSV.
'use strict';
(() => {
  const form = document.getElementById('report-filter');

  function query() {
    const query = new URLSearchParams({ site: form.elements.site.value });
    // Dates as the console reads them: UTC days, "to" included.
    if (form.elements.from.value) { query.set('from', form.elements.from.value); }
    if (form.elements.to.value) { query.set('to', form.elements.to.value); }
    return query;
  }

  async function load() {
    const target = document.getElementById('report');
    const link = document.getElementById('report-csv');
    link.hidden = !form.elements.site.value;
    if (!form.elements.site.value) { target.replaceChildren(); return; }
    link.href = `api/report.csv?${query()}`;
    const response = await fetch(`api/report?${query()}`);
    if (response.status === 401) { location.href = 'login'; return; }
    // The fragment is the server's, every text in it HTML-encoded there (TestReport.ToHtml).
    target.innerHTML = response.ok ? await response.text() : '';
    document.getElementById('report-error').hidden = response.ok;
  }

  fetch('api/tickets').then(response => {
    if (!response.ok) { return; }
    form.addEventListener('submit', e => { e.preventDefault(); load(); });
    Board.addPage({ id: 'report', show: load, onSnapshot: snapshot => Board.schools(form.elements.site, snapshot) });
  });
})();
