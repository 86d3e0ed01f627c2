// A tiny client-side router: the kind of navigation the tracker must see without a page load.
const views = {
  '/app/': ['Product tour', 'Pick a step above.'],
  '/app/connect': ['Connect | Product tour', 'Point Northwind at your warehouse; it reads, never writes.'],
  '/app/explain': ['Explain | Product tour', 'Each chart carries a sentence that says why it moved.'],
  '/app/share': ['Share | Product tour', 'Send one link; viewers need no account.'],
};

function render() {
  const [title, text] = views[location.pathname] || views['/app/'];
  document.title = `${title} | Northwind Analytics`;
  document.getElementById('tour-title').textContent = title.split(' | ')[0];
  document.getElementById('view').textContent = text;
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-route]');
  if (!link) return;
  event.preventDefault();
  history.pushState({}, '', link.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
render();
