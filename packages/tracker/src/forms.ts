/**
 * Form capture. What a visitor submits is read when it is submitted: in the capture phase of `submit` (before the
 * site's own handler can prevent it, or disable or clear the fields), on `formdata` (fired by `form.submit()`, and by
 * a site script building FormData to send it), and on the click of a plain button next to fields holding an email
 * (a form sent by script with no submit event at all: Ninja Forms). It is held, then sent: at once when the submit
 * is not prevented (the page is leaving); when the site shows success for one it sends by script (the form, or its
 * container, removed or hidden, or its email field cleared); when the page is left; or after 20 s. If the visitor
 * edits a field first, the site refused that attempt and the hold is dropped: the corrected submit comes next. A
 * click on some other button next to a filled-in email, followed by that part of the page closing, also sends: a
 * false positive this accepts to catch forms that have no other signal. Forms in open shadow roots are watched
 * once a field in them gets focus.
 *
 * Each readable field goes as [hints, value], hints being `type|autocomplete|name|id|label|placeholder|aria-label`;
 * the collector maps them (more languages than a page could carry). Never read: a form (or a container) marked
 * data-leadtrail-ignore, or holding a password, file or card field (the whole form is skipped); hidden, disabled,
 * invisible or tabindex=-1 fields (CSRF tokens, honeypots); checkboxes, radios and search boxes; values holding a
 * card number (an email excepted). A form goes when a field holds an email, or once the visitor is identified (a
 * later step of the same lead).
 */
import { state } from './storage.ts';
import { guard, isEmail, listen, recording } from './util.ts';

export type Contact = Partial<Record<'name' | 'email' | 'phone' | 'company' | 'position' | 'notes', string>>;
export type Pair = [string, string];
type Field = HTMLInputElement;

/**
 * True when the value holds a card-like number: 16 to 19 digits (spaces, dots or dashes between), which no phone
 * number has (15 at most), or 14 or 15 starting with 3 (American Express, Diners).
 */
export const hasCard = (value: string) => /\d([\s.-]?\d){15,18}|\b3\d([\s.-]?\d){12,13}\b/.test(value);

/** A field a person types in or picks from (text, email, tel, url, number, textarea, select): the ones read. */
const textLike = (el: Field) => /^(te|em|ur|nu|sel)/.test(el.type);

const BUTTONS = 'button,[type=button]';

/** A field as sent: hints and value cut to the protocol's limits (500 and, ours, 5,000 characters). */
export const pair = (hints: string, value: string): Pair => [hints, value.slice(0, 5e3)];

/** Whether one of the fields holds an email address. */
export const hasEmail = (pairs?: Pair[]) => pairs?.some((pair) => isEmail(pair[1]));

/** The form's fields (with those outside it that name it), or a container's. */
const controls = (root: Element) =>
  [...((root as HTMLFormElement).elements || root.querySelectorAll('input,select,textarea'))] as Field[];

/**
 * The [hints, value] of each readable field of a form or container, or undefined when it must not be captured (or
 * holds nothing to send: no email, and the visitor not identified yet).
 */
export const read = (root: Element): Pair[] | undefined => {
  if (root.closest('[data-leadtrail-ignore]')) return;
  const pairs: Pair[] = [];
  for (const el of controls(root)) {
    const hints = [
      el.type,
      el.autocomplete,
      el.name,
      el.id,
      el.labels?.[0]?.textContent,
      el.placeholder,
      el.ariaLabel || (el as Field & { ariaLabelledByElements?: Element[] }).ariaLabelledByElements?.[0]?.textContent,
    ].join('|');
    // A password, file or card field anywhere: not a lead form (a checkout, a sign-up, a login).
    if (/^(pas|fil)|\bcc-?[nec]|card|cv[cv]|csc/i.test(hints)) return;
    // Only then, and only for a text-like field a person can see and type in, is its value read.
    const value =
      textLike(el) && !el.disabled && el.tabIndex >= 0 && el.checkVisibility?.() !== false && el.value.trim();
    if (value && (isEmail(value) || !hasCard(value))) pairs.push(pair(hints, value));
  }
  if (state.identified_ || hasEmail(pairs)) return pairs;
};

/**
 * Calls `onForm` with the fields of each form (or container) submitted that should be captured. Returns the release
 * of what is held, for when the page is left.
 */
export const capture = (onForm: (pairs: Pair[]) => void) => {
  // A submission held until the site shows success: its root, its fields, the email it holds, and polls left.
  let heldRoot: Element | 0 = 0;
  let heldPairs: Pair[];
  let heldEmail: string | undefined;
  let polls: number;
  /**
   * The fields last held, as JSON. The same fields again are the same submission: the formdata of a submit already
   * held (Chromium can fire it twice), FormData built by the site's handler, `form.submit()` after a held submit.
   */
  let last: string | 0 = 0;

  const release = () => {
    if (heldRoot) onForm(heldPairs);
    heldRoot = 0;
  };

  const hold = (root: Element, pairs = read(root)) => {
    const fields = JSON.stringify(pairs);
    if (pairs && fields !== last) {
      // Another form held before this one goes first.
      release();
      // A next step may come before the site shows this one's success: it is the same visitor's (in memory only;
      // what is stored says identified once this goes, and a form with no email never makes a lead on its own).
      state.identified_ = 1;
      last = fields;
      heldRoot = root;
      heldPairs = pairs;
      heldEmail = pairs.find((pair) => isEmail(pair[1]))?.[1];
      polls = 80;
      watch();
    }
  };

  /**
   * Success: the root removed or hidden, or its email field cleared (the form reset); or 20 s passed. An edit drops
   * the hold instead (the site refused it: the corrected submit comes next).
   */
  const watch = guard(() => {
    if (heldRoot)
      !heldRoot.isConnected ||
      heldRoot.checkVisibility?.() === false ||
      !controls(heldRoot).some((el) => textLike(el) && el.value.trim() === heldEmail) ||
      !--polls
        ? release()
        : setTimeout(watch, 250);
  });

  const handle = (event: Event) => {
    const target = event.composedPath()[0] as HTMLFormElement & Field;
    if (!recording) return;
    if (event.type === 'input') {
      // An edit: the site refused what is held (the corrected submit comes next, even with the same fields).
      // biome-ignore lint/complexity/useOptionalChain: nothing held is 0, which `?.` does not stop at
      if (event.isTrusted && heldRoot && heldRoot.contains(target)) heldRoot = last = 0;
    } else if (event.type === 'click') {
      // A plain button (not one that submits its form) next to fields holding an email: a form sent by script.
      const button = target.closest?.(BUTTONS) as Field | null;
      let root: Element | null | 0 = button && (button.form && button.type === 'submit' ? 0 : button.form || button);
      while (root && !hasEmail(read(root))) root = root.parentElement;
      // Only when it is the one button there: not a cookie banner's or a carousel's next to a newsletter field.
      if (root && !root.querySelectorAll(BUTTONS)[1]) setTimeout(() => !heldRoot && hold(root));
    } else if (target.checkValidity()) {
      // Held as it is now (before the site's handler can clear or disable it). Once a submit's dispatch is over:
      // not prevented, the page is leaving, so it goes now (or at pagehide, should the page leave first);
      // prevented, the site sends it, and it waits for the site's success. A formdata waits the same way.
      hold(target);
      if (event.type === 'submit') setTimeout(() => event.defaultPrevented || release());
    }
  };

  const watchRoot = (root: EventTarget) => {
    for (const type of 'submit formdata click input'.split(' ')) root.addEventListener(type, guard(handle), true);
  };
  watchRoot(window);
  /** A field of an open shadow root got focus: its events do not leave the root, so listen inside it (once). */
  listen('focusin', (event) => {
    const root = (event.composedPath()[0] as Node).getRootNode() as ShadowRoot & { leadtrail?: number };
    if (root.host && !root.leadtrail) {
      root.leadtrail = 1;
      watchRoot(root);
    }
  });
  // Sends what is held: the page is being left.
  return release;
};
