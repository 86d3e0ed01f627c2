/** The dashboard's one stylesheet, served at /dashboard.css (system fonts, nothing from elsewhere). */
export const STYLE = `
:root {
  --ink: #1f2430; --muted: #5f6b7a; --line: #e3e7ee; --soft: #f5f7fa; --bg: #fff; --brand: #2f5bea;
  --brand-ink: #fff; --danger: #c62828; --ok: #1b7f4b;
  --new: #3b82f6; --contacted: #f59e0b; --qualified: #10b981; --converted: #8b5cf6; --lost: #9ca3af;
  color-scheme: light;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--soft); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--brand); text-decoration: none; }
a:hover { text-decoration: underline; }
/* A link inside running text is told apart by more than its colour (WCAG 1.4.1). */
p a, .flash a, li.help a { text-decoration: underline; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
code, pre, textarea.code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); border: 1px solid var(--line);
  border-radius: 6px; padding: .75rem; margin: 0 0 .5rem; }

.topbar { background: #111827; color: #e5e7eb; }
.topbar .inner { max-width: 1120px; margin: 0 auto; padding: .6rem 1rem; display: flex; flex-wrap: wrap;
  align-items: center; gap: .5rem 1.25rem; }
.brand { font-weight: 700; color: #fff; letter-spacing: .01em; }
.brand small { font-weight: 400; color: #9ca3af; margin-left: .4rem; }
.topbar nav { display: flex; gap: 1rem; flex: 1; }
.topbar nav a { color: #cbd5e1; padding: .15rem 0; border-bottom: 2px solid transparent; }
.topbar nav a[aria-current="page"] { color: #fff; border-bottom-color: var(--brand); }
.topbar nav a:hover { color: #fff; text-decoration: none; }
.topbar form { margin: 0; }
.topbar button { background: transparent; color: #cbd5e1; border-color: #374151; }

main { max-width: 1120px; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem;
  margin-bottom: 1rem; min-width: 0; }
.muted { color: var(--muted); }
.small { font-size: .85rem; }
.flash { border-radius: 8px; padding: .6rem .9rem; margin-bottom: 1rem; border: 1px solid; }
.flash.ok { background: #ecfdf3; border-color: #a7e3c1; color: var(--ok); }
.flash.error { background: #fdecec; border-color: #f3b4b4; color: var(--danger); }

button, .button { font: inherit; font-size: .9rem; border: 1px solid var(--line); background: var(--bg);
  color: var(--ink); border-radius: 6px; padding: .4rem .8rem; cursor: pointer; display: inline-block;
  line-height: 1.3; white-space: nowrap; }
button:hover, .button:hover { border-color: #b8c1cf; text-decoration: none; }
button.primary, .button.primary { background: var(--brand); border-color: var(--brand); color: var(--brand-ink); }
button.danger { color: var(--danger); }
input, select, textarea { font: inherit; font-size: .95rem; border: 1px solid #cfd6e0; border-radius: 6px;
  padding: .4rem .55rem; background: #fff; color: var(--ink); max-width: 100%; }
textarea { width: 100%; min-height: 8rem; resize: vertical; }
label { display: block; font-weight: 600; font-size: .85rem; margin-bottom: .25rem; }
.field { margin-bottom: .8rem; }
.field input { width: 100%; }
:focus-visible { outline: 2px solid var(--brand); outline-offset: 2px; }

.range-bar { display: flex; flex-wrap: wrap; gap: .6rem 1.25rem; align-items: flex-end; margin-bottom: .75rem; }
.presets { display: flex; flex-wrap: wrap; gap: .3rem; }
.preset { border: 1px solid var(--line); background: var(--bg); border-radius: 999px; padding: .25rem .7rem;
  font-size: .85rem; color: var(--ink); white-space: nowrap; }
.preset:hover { text-decoration: none; border-color: #b8c1cf; }
.preset[aria-current="true"] { background: var(--brand); border-color: var(--brand); color: var(--brand-ink); }
.range-form, .zone-form { display: flex; flex-wrap: wrap; gap: .4rem; align-items: flex-end; margin: 0; }
.zone-form select { max-width: 14rem; }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: 1rem; }
.count { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: .45rem .8rem;
  color: var(--ink); min-width: 6.5rem; }
.count strong { display: block; font-size: 1.25rem; line-height: 1.2; }
.count span { font-size: .8rem; color: var(--muted); text-transform: capitalize; }
.count[aria-current="true"] { border-color: var(--brand); box-shadow: inset 0 -3px 0 var(--brand); }
.count:hover { text-decoration: none; border-color: #b8c1cf; }

.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-bottom: .75rem; }
.filters .grow { flex: 1 1 14rem; }
.filters input[type=search] { width: 100%; }
.filters .actions { display: flex; gap: .5rem; flex-wrap: wrap; }

.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .78rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); white-space: nowrap; }
th a { color: inherit; }
th[aria-sort] a { color: var(--ink); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tbody tr:hover { background: #fafbfd; }
.lead-name { font-weight: 600; }
.empty { padding: 2rem; text-align: center; color: var(--muted); }
.pager { display: flex; justify-content: space-between; align-items: center; gap: .5rem; margin-top: .75rem;
  flex-wrap: wrap; }

.badge { display: inline-block; border-radius: 999px; padding: .05rem .55rem; font-size: .78rem; font-weight: 600;
  border: 1px solid transparent; text-transform: capitalize; white-space: nowrap; }
.badge.new { background: #e8f0fe; color: #1d4ed8; }
.badge.contacted { background: #fef3c7; color: #92400e; }
.badge.qualified { background: #d1fae5; color: #065f46; }
.badge.converted { background: #ede9fe; color: #5b21b6; }
.badge.lost { background: #f3f4f6; color: #4b5563; }

.chart { margin: 0; }
.chart-scroll { overflow-x: auto; }
.chart svg { width: 100%; min-width: 540px; height: auto; display: block; }
.chart .axis { font-size: 10px; fill: var(--muted); font-variant-numeric: tabular-nums; }
.chart .grid { stroke: var(--line); stroke-dasharray: 3 3; }
.chart .baseline { stroke: #cfd6e0; }
.chart .hit { fill: transparent; }
.chart g:hover .hit { fill: #eef2f8; }
.chart figcaption { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem; font-size: .85rem;
  color: var(--muted); margin-top: .35rem; }
.legend { display: flex; flex-wrap: wrap; gap: .75rem; }
.legend .key { display: inline-flex; align-items: center; gap: .3rem; text-transform: capitalize; }
.swatch { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; }
rect.bar-new { fill: var(--new); } .swatch.bar-new { background: var(--new); }
rect.bar-contacted { fill: var(--contacted); } .swatch.bar-contacted { background: var(--contacted); }
rect.bar-qualified { fill: var(--qualified); } .swatch.bar-qualified { background: var(--qualified); }
rect.bar-converted { fill: var(--converted); } .swatch.bar-converted { background: var(--converted); }
rect.bar-lost { fill: var(--lost); } .swatch.bar-lost { background: var(--lost); }

.lead-head { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin-bottom: 1rem; }
.lead-head h1 { margin: 0; }
.status-actions { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
.status-actions form { margin: 0; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; margin-bottom: 1rem; }
.grid2 > .card { margin-bottom: 0; }
.sources h2 { font-size: 1rem; margin: 0 0 .5rem; }
.breakdown { list-style: none; margin: 0; padding: 0; }
.breakdown li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0 .5rem; padding: .2rem 0; }
.breakdown meter { grid-column: 1 / -1; width: 100%; height: .4rem; }
dl.fields { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .35rem 1rem; margin: 0; }
dl.fields dt { color: var(--muted); font-size: .85rem; }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
.stats { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin-bottom: .75rem; }
.stats div strong { display: block; font-size: 1.2rem; }
.stats div span { color: var(--muted); font-size: .8rem; }

ol.journey { list-style: none; margin: 0; padding: 0; }
ol.journey li { display: grid; grid-template-columns: 2rem minmax(0, 1fr) auto; gap: .1rem .6rem;
  padding: .5rem 0; border-bottom: 1px solid var(--line); }
ol.journey li.pause { display: block; border: 0; padding: .4rem 0 .2rem; color: var(--muted); font-size: .8rem;
  text-align: center; }
ol.journey .n { color: var(--muted); font-variant-numeric: tabular-nums; text-align: right; }
ol.journey .page-title { font-weight: 600; overflow-wrap: anywhere; }
ol.journey .path { color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
ol.journey .when { color: var(--muted); font-size: .8rem; white-space: nowrap; text-align: right; }
.device { display: inline-block; font-size: .72rem; border: 1px solid var(--line); border-radius: 4px;
  padding: 0 .3rem; color: var(--muted); margin-left: .3rem; }
ol.history { margin: 0; padding-left: 1.2rem; }
ol.history li { margin-bottom: .3rem; }

.login { max-width: 27rem; margin: 3rem auto; }
.login h1 { text-align: center; }
.or { text-align: center; color: var(--muted); margin: .25rem 0 1rem; font-size: .85rem; }
.submissions { list-style: none; padding: 0; margin: 0; }
.submissions > li { border-top: 1px solid var(--line); padding: .6rem 0; }
.submissions > li:first-child { border-top: 0; }
form.adopt { display: inline; margin: 0 0 0 .5rem; }
form.adopt button { padding: .1rem .5rem; font-size: .8rem; }
.inline-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .75rem 0 0; }
.inline-form label { margin: 0; }
.key-once { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 8px; padding: .75rem; }
.key-once code { overflow-wrap: anywhere; word-break: break-all; }
.copy-row { display: flex; gap: .5rem; align-items: flex-start; }
.bad { color: var(--danger); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.show-sm { display: none; }
td.select, th.select { width: 1.5rem; }
form.bulk { margin: 0 0 .5rem; }
details.edit { margin-top: .75rem; }
details.edit summary { cursor: pointer; color: var(--brand); }
ol.history del { color: var(--muted); }
ol.history ins { text-decoration: none; font-weight: 600; }
.status-failed { color: var(--danger); }
.status-delivered { color: var(--ok); }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 .75rem; }
label.check { display: inline-flex; gap: .3rem; align-items: center; margin-right: 1rem; }
.endpoint .inline-form form { margin: 0; }
.copy-row pre { flex: 1; min-width: 0; }

@media (max-width: 720px) {
  main { padding: 1rem .75rem 2rem; }
  .grid2 { grid-template-columns: minmax(0, 1fr); }
  .count { min-width: 0; flex: 1 1 30%; }
  .hide-sm { display: none; }
  .show-sm { display: block; overflow-wrap: anywhere; }
  ol.journey li { grid-template-columns: 1.6rem minmax(0, 1fr); }
  ol.journey .when { grid-column: 2; text-align: left; }
  .copy-row { flex-direction: column; }
}
`;
