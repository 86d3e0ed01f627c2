/**
 * The dashboard's one optional script, served at /dashboard.js: every page works without it. It submits the status
 * filter on change, asks before revoking a key, and copies the script tag. No eval, no inline code (strict CSP).
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
