/**
 * The dashboard's one optional script, served at /dashboard.js: every page works without it. It submits the status
 * filter on change, asks before revoking a key, copies the script tag, and, while a site has no time zone chosen,
 * offers the browser's. No eval, no inline code (strict CSP).
 */
export const SCRIPT = `(() => {
  'use strict';
  for (const select of document.querySelectorAll('select[data-autosubmit]')) {
    select.addEventListener('change', () => select.form && select.form.requestSubmit());
  }
  document.addEventListener('submit', (event) => {
    const message = event.target instanceof HTMLFormElement && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
  const zone = document.querySelector('button[data-browser-zone]');
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const select = zone && zone.form && zone.form.querySelector('select');
  if (zone && browserZone && select && [...select.options].some((o) => o.value === browserZone)) {
    zone.value = browserZone;
    zone.textContent = 'Use ' + browserZone + ' (this browser)';
    zone.hidden = browserZone === select.value;
  }
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const source = document.getElementById(button.dataset.copy || '');
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(source.textContent || '').then(
        () => { button.textContent = 'Copied'; },
        () => { button.textContent = 'Select and copy'; },
      );
    });
  }
})();
`;
