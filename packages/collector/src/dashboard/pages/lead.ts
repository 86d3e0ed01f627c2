/**
 * One lead: contact fields, status with one-click qualify, notes, the journey (pages in order with titles and
 * times over all the lead's devices, active time, visits), the form submissions (each value one click from becoming
 * the lead's) and the status history.
 */
import {
  LEAD_STATUSES,
  type LeadEvent,
  type LeadStatus,
  MAX_NOTES,
  SUBMISSION_FIELDS,
  type Submission,
  type TouchDetails,
} from '@leadtrail/protocol';
import { html } from 'hono/html';
import { CHANNEL_LABELS } from '../../core/attribution/channel.ts';
import { BROWSER_EDIT } from '../../core/lead-patch.ts';
import type { Owner } from '../auth.ts';
import { formatDuration, formatTime, plural } from '../format.ts';
import { buildJourney, type Journey } from '../journey.ts';
import type { LeadDetail } from '../leads.ts';
import { csrfField, flash, layout } from './layout.ts';
import { statusBadge } from './leads.ts';

export interface LeadPageData {
  owner: Owner;
  detail: LeadDetail;
  info?: string | null;
  error?: string | null;
  /** Notes as typed, when saving them failed. */
  draftNotes?: string;
  /** The status a change just left, for its Undo. */
  undoStatus?: LeadStatus | null;
  /** The site's time zone: every time on the page is shown in it (default UTC). */
  zone?: string;
  /** Contact details as typed, when saving them failed (the edit form opens with them). */
  draftContact?: Record<string, string>;
}

/** The contact fields the owner edits on this page. */
export const CONTACT_EDIT_FIELDS = ['name', 'email', 'phone', 'company', 'position'] as const;
const CONTACT_LABELS: Record<(typeof CONTACT_EDIT_FIELDS)[number], string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  position: 'Position',
};
const INPUT_TYPES: Partial<Record<(typeof CONTACT_EDIT_FIELDS)[number], string>> = { email: 'email', phone: 'tel' };

/** The way forward: new and contacted leads get qualified, qualified ones converted; converted and lost are ends. */
const NEXT: Partial<Record<LeadStatus, LeadStatus>> = {
  new: 'qualified',
  contacted: 'qualified',
  qualified: 'converted',
};
const LABELS: Record<LeadStatus, string> = {
  new: 'Mark new',
  contacted: 'Mark contacted',
  qualified: 'Qualify',
  converted: 'Mark converted',
  lost: 'Mark lost',
};
/** Whether moving from one status to another goes back along new → contacted → qualified → converted. */
export const isBackward = (from: LeadStatus, to: LeadStatus) =>
  from === 'lost' || (to !== 'lost' && LEAD_STATUSES.indexOf(to) < LEAD_STATUSES.indexOf(from));

const statusForm = (
  owner: Owner,
  leadId: string,
  status: LeadStatus,
  label: string,
  attrs: { primary?: boolean; confirm?: string } = {},
) =>
  html`<form method="post" action="/leads/${leadId}/status"${attrs.confirm ? html` data-confirm="${attrs.confirm}"` : ''}>${csrfField(owner)}<input type="hidden" name="status" value="${status}"><button type="submit"${attrs.primary ? html` class="primary"` : ''}>${label}</button></form>`;

function statusActions(owner: Owner, detail: LeadDetail) {
  const { lead } = detail;
  const next = NEXT[lead.status];
  const others = LEAD_STATUSES.filter((s) => s !== lead.status && s !== next);
  return html`<div class="status-actions">
  ${next ? statusForm(owner, lead.id, next, LABELS[next], { primary: true }) : ''}
  ${others.map((s) =>
    statusForm(owner, lead.id, s, LABELS[s], {
      ...(isBackward(lead.status, s) ? { confirm: `Move this ${lead.status} lead back to ${s}?` } : {}),
    }),
  )}
</div>`;
}

/** The flash after a status change, with a one-click way back. */
function undoFlash(owner: Owner, detail: LeadDetail, from: LeadStatus) {
  return html`<div class="flash ok undo" role="status">Status changed from ${from} to ${detail.lead.status}.
  ${statusForm(owner, detail.lead.id, from, `Undo (back to ${from})`)}</div>`;
}

function contactForm(data: LeadPageData) {
  const { lead } = data.detail;
  const value = (f: (typeof CONTACT_EDIT_FIELDS)[number]) => data.draftContact?.[f] ?? lead[f] ?? '';
  return html`<details class="edit"${data.draftContact ? ' open' : ''}><summary>Edit contact details</summary>
  <form method="post" action="/leads/${lead.id}/contact">
    ${csrfField(data.owner)}
    ${CONTACT_EDIT_FIELDS.map(
      (f) => html`<p><label class="muted small" for="edit-${f}">${CONTACT_LABELS[f]}</label>
      <input id="edit-${f}" name="${f}" type="${INPUT_TYPES[f] ?? 'text'}" value="${value(f)}"${f === 'name' ? ' required' : ''} autocomplete="off"></p>`,
    )}
    <p><button class="primary" type="submit">Save contact details</button> <span class="muted small">The history keeps the values they replace.</span></p>
  </form>
</details>`;
}

function contact(data: LeadPageData) {
  const { detail } = data;
  const { lead } = detail;
  const rows: [string, unknown][] = [
    ['Email', lead.email ? html`<a href="mailto:${lead.email}">${lead.email}</a>` : ''],
    ['Phone', lead.phone],
    ['Company', lead.company],
    ['Position', lead.position],
    ['Origin', lead.origin],
    ['Source', lead.source],
    ['Score', lead.lead_score],
    ['Interest', lead.interest_level],
    ['Product interest', lead.product_interest],
    ['Created', formatTime(lead.created_at, false, data.zone)],
    ['Updated', formatTime(lead.updated_at, false, data.zone)],
    ['Status changed', formatTime(lead.status_changed_at, false, data.zone)],
  ];
  const shown = rows.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return html`<section class="card" aria-labelledby="contact-h">
  <h2 id="contact-h">Contact</h2>
  <dl class="fields">${shown.map(([label, value]) => html`<dt>${label}</dt><dd>${value as string}</dd>`)}</dl>
  ${contactForm(data)}
</section>`;
}

/** One touch: its channel, source, campaign tags, click id, landing page, referrer and time. */
function touchFields(touch: TouchDetails, zone: string | undefined) {
  const rows: [string, string | null][] = [
    ['Channel', CHANNEL_LABELS[touch.channel]],
    ['Source', touch.source],
    ['Medium', touch.utm_medium],
    ['Campaign', touch.utm_campaign],
    ['Term', touch.utm_term],
    ['Content', touch.utm_content],
    ['Click id', touch.click_id_kind],
    ['Landing page', touch.landing_page],
    ['Referrer', touch.referrer],
    ['When', formatTime(touch.at, false, zone)],
  ];
  return html`<dl class="fields">${rows
    .filter(([, value]) => value)
    .map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>`;
}

/** Where the lead came from: the first touch of its earliest device and the latest touch with a source. */
function attribution(detail: LeadDetail, zone: string | undefined) {
  const { first_touch, latest_touch } = detail.lead.attribution;
  if (!first_touch) return '';
  const same = !latest_touch || JSON.stringify(latest_touch) === JSON.stringify(first_touch);
  return html`<section class="card" aria-labelledby="attribution-h" id="attribution">
  <h2 id="attribution-h">Where they came from</h2>
  <div class="grid2">
    <div><h3>First touch</h3>${touchFields(first_touch, zone)}</div>
    <div><h3>Latest touch</h3>${same ? html`<p class="muted">The same: no later visit came with a source.</p>` : touchFields(latest_touch, zone)}</div>
  </div>
</section>`;
}

function notes(owner: Owner, data: LeadPageData) {
  const { lead } = data.detail;
  return html`<section class="card" aria-labelledby="notes-h">
  <h2 id="notes-h">Notes</h2>
  <form method="post" action="/leads/${lead.id}/notes">
    ${csrfField(owner)}
    <label class="muted small" for="notes">Notes (searchable)</label>
    <textarea id="notes" name="notes" maxlength="${MAX_NOTES}">${data.draftNotes ?? lead.notes ?? ''}</textarea>
    <p><button class="primary" type="submit">Save notes</button></p>
  </form>
</section>`;
}

function pause(ms: number) {
  return html`<li class="pause">· · · ${formatDuration(ms / 1000)} later · · ·</li>`;
}

function journey(detail: LeadDetail, built: Journey, zone: string | undefined) {
  const { lead } = detail;
  const multi = built.devices.length > 1;
  const steps = built.steps.map(
    (step, i) => html`${step.pauseBefore ? pause(step.pauseBefore) : ''}<li>
  <span class="n">${i + 1}.</span>
  <span><span class="page-title">${step.title || step.path}</span>${multi || step.device === 0 ? html`<span class="device">${step.device ? `device ${step.device}` : 'via API'}</span>` : ''}<br><span class="path">${step.path}</span></span>
  <span class="when"><span class="at">${formatTime(step.at, true, zone)}</span>${step.timeOnPage !== null ? html`<br><span class="stay" title="Until the next page on this device">${formatDuration(step.timeOnPage / 1000)} on page</span>` : ''}</span>
</li>`,
  );
  const devices = built.devices.length
    ? html`<h3 class="small muted">${plural(built.devices.length, 'device')}, one journey</h3>
<div class="table-wrap" tabindex="0" role="region" aria-label="Devices"><table>
  <thead><tr><th scope="col">Device</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col" class="num">Pages</th><th scope="col" class="num">Active</th><th scope="col" class="num">Visits</th></tr></thead>
  <tbody>${built.devices.map((d) => html`<tr><td>device ${d.number}</td><td class="nowrap">${formatTime(d.first_seen, false, zone)}</td><td class="nowrap">${formatTime(d.last_seen, false, zone)}</td><td class="num">${d.pages_visited.length}</td><td class="num">${formatDuration(d.time_spent)}</td><td class="num">${d.visit_count}</td></tr>`)}</tbody>
</table></div>`
    : '';
  return html`<section class="card" aria-labelledby="journey-h" id="journey">
  <h2 id="journey-h">Journey</h2>
  <div class="stats">
    <div><strong>${lead.pages_visited.length}</strong><span>pages</span></div>
    <div><strong>${formatDuration(lead.time_spent)}</strong><span>active time</span></div>
    <div><strong>${lead.visit_count}</strong><span>${lead.visit_count === 1 ? 'visit' : 'visits'}</span></div>
    <div><strong>${built.devices.length}</strong><span>${built.devices.length === 1 ? 'device' : 'devices'}</span></div>
  </div>
  ${built.steps.length ? html`<ol class="journey">${steps}</ol>` : html`<p class="muted">No pages recorded for this lead.</p>`}
  ${devices}
</section>`;
}

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  position: 'Position',
  company: 'Company',
  notes: 'Message',
  origin: 'Origin',
  source: 'Source',
  contact_info: 'Contact info',
  company_info: 'Company info',
  interest_level: 'Interest',
  product_interest: 'Product interest',
};

const shownValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A submitted value the lead does not hold: one click makes it the lead's (an owner's edit, through update). */
function adoptable(detail: LeadDetail, field: string, value: unknown) {
  if (field === 'notes') return false;
  return JSON.stringify(value) !== JSON.stringify(detail.lead[field as keyof LeadDetail['lead']] ?? null);
}

/**
 * The fields of a submitted form that map to no contact field, each under the best words the form gave it: its
 * label, else its placeholder, aria-label, name or id (hints are `type|autocomplete|name|id|label|placeholder|aria`).
 */
function otherFields(submission: Submission): [string, string][] {
  const form = submission.fields.form;
  if (!Array.isArray(form)) return [];
  return form.map(([hints, value]: [string, string]) => {
    const [, , name = '', id = '', label = '', placeholder = '', aria = ''] = String(hints).split('|');
    return [(label || placeholder || aria || name || id || 'field').trim().slice(0, 80), String(value)];
  });
}

function submissionItem(
  owner: Owner,
  detail: LeadDetail,
  built: Journey,
  submission: Submission,
  zone: string | undefined,
) {
  const device = built.devices.find((d) => d.id === submission.visitor_id);
  const fields = SUBMISSION_FIELDS.filter((f) => submission.fields[f] !== undefined);
  const use = (field: string) =>
    html`<form method="post" action="/leads/${detail.lead.id}/adopt" class="adopt">${csrfField(owner)}<input type="hidden" name="submission" value="${submission.id}"><input type="hidden" name="field" value="${field}"><button type="submit" aria-label="Use this ${FIELD_LABELS[field]?.toLowerCase() ?? field}">Use this</button></form>`;
  return html`<li>
  <p class="small"><strong>${formatTime(submission.at, false, zone)}</strong>${submission.page ? html` from <code>${submission.page}</code>` : ''}${device && built.devices.length > 1 ? html` · device ${device.number}` : ''}${submission.visitor_id ? '' : ' · no tracked browser'}
  <span class="muted">· ${submission.applied.length ? html`filled ${submission.applied.map((f) => FIELD_LABELS[f] ?? f).join(', ')}` : 'filled nothing (the lead already had these)'}</span></p>
  <dl class="fields">${fields.map((f) => html`<dt>${FIELD_LABELS[f] ?? f}</dt><dd>${shownValue(submission.fields[f])}${adoptable(detail, f, submission.fields[f]) ? use(f) : ''}</dd>`)}${otherFields(submission).map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>
</li>`;
}

function submissions(owner: Owner, detail: LeadDetail, built: Journey, zone: string | undefined) {
  if (!detail.submissions.length) return '';
  return html`<section class="card" aria-labelledby="submissions-h" id="submissions">
  <h2 id="submissions-h">Form submissions</h2>
  <p class="muted small">What was sent from your site, as sent. A browser fills only empty fields (and its own earlier ones), never yours; “Use this” makes a value the lead’s.</p>
  <ol class="submissions">${detail.submissions.map((s) => submissionItem(owner, detail, built, s, zone))}</ol>
</section>`;
}

function eventText(event: LeadEvent, built: Journey) {
  switch (event.type) {
    case 'created':
      return html`Created${event.to ? html` as ${statusBadge(event.to as (typeof LEAD_STATUSES)[number])}` : ''}`;
    case 'status_changed':
      return html`Status ${event.from ? html`${statusBadge(event.from as (typeof LEAD_STATUSES)[number])} → ` : ''}${event.to ? statusBadge(event.to as (typeof LEAD_STATUSES)[number]) : ''}`;
    case 'identified': {
      const device = built.devices.find((d) => d.id === event.to);
      return html`Identified${device && built.devices.length > 1 ? ` on device ${device.number}` : ''} (form or <code>identify</code>)`;
    }
    default: {
      const fields = event.to ? event.to.split(',').join(', ') : 'fields';
      const said = event.from === BROWSER_EDIT ? html`A form filled ${fields}` : html`Edited ${fields}`;
      const changes = Object.entries(event.changes ?? {});
      if (!changes.length) return said;
      return html`${said}: ${changes.map(
        ([field, { from, to }], i) =>
          html`${i ? '; ' : ''}${field} <del>${from ?? '(empty)'}</del> → <ins>${to ?? '(empty)'}</ins>`,
      )}`;
    }
  }
}

function history(detail: LeadDetail, built: Journey, zone: string | undefined) {
  const events = detail.events;
  return html`<section class="card" aria-labelledby="history-h" id="history">
  <h2 id="history-h">Status history</h2>
  ${events.length ? html`<ol class="history">${events.map((e) => html`<li>${eventText(e, built)} <span class="muted small">${formatTime(e.at, false, zone)}</span></li>`)}</ol>` : html`<p class="muted">No history yet.</p>`}
</section>`;
}

/** The person's rights over their data: a copy (JSON download) and erasure, asked first (erasure-pages.ts). */
function theirData(owner: Owner, detail: LeadDetail) {
  const { lead } = detail;
  return html`<section class="card" aria-labelledby="their-data-h" id="their-data">
  <h2 id="their-data-h">Their data</h2>
  <p class="muted small">Privacy law lets this person ask for a copy of what you hold about them, or for its erasure.</p>
  <p><a href="/leads/${lead.id}/export.json" download>Download their data (JSON)</a></p>
  <form method="post" action="/leads/${lead.id}/delete" data-confirm="Delete ${lead.name} and all their data (devices, pages, form submissions, history)? This cannot be undone.">${csrfField(owner)}<button class="danger" type="submit">Delete this lead and all its data</button></form>
</section>`;
}

export function leadPage(data: LeadPageData) {
  const { owner, detail } = data;
  const built = buildJourney(detail.lead, detail.visitors);
  return layout({
    title: detail.lead.name,
    owner,
    nav: 'leads',
    body: html`<p class="small"><a href="/leads">← All leads</a></p>
${data.undoStatus && data.undoStatus !== data.detail.lead.status ? undoFlash(data.owner, data.detail, data.undoStatus) : flash('ok', data.info)}${flash('error', data.error)}
<div class="lead-head">
  <h1>${detail.lead.name}</h1>
  <span id="lead-status">${statusBadge(detail.lead.status)}</span>
  ${statusActions(owner, detail)}
</div>
<div class="grid2">
  ${contact(data)}
  ${notes(owner, data)}
</div>
${attribution(detail, data.zone)}
${journey(detail, built, data.zone)}
${submissions(owner, detail, built, data.zone)}
${history(detail, built, data.zone)}
${theirData(owner, detail)}`,
  });
}
