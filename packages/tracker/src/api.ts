/**
 * The public API and the wiring of every module. Each method is guarded: a bad call or a broken browser
 * feature never throws into the site. Nothing is recorded before the stored state (and its opt-out flag) is
 * loaded, and nothing at all under a privacy signal.
 */
import type { TrackerPayload } from '@leadtrail/protocol';
import { flush, send, setApi } from './delivery.ts';
import { type Contact, capture, hasEmail, type Pair, pair } from './forms.ts';
import { onNav, page, patchHistory, view, views } from './pages.ts';
import { addTime, type Page, type State, stashTime, state, type Touch, update } from './storage.ts';
import { guard, listen, now, recording, setRecording, uuid } from './util.ts';
import { onTime, tick, watchInput } from './visit.ts';

export type { Contact, Page };

export interface Options {
  /** Publishable key, `lt_pk_...`. */
  key: string;
  /** Collector base URL, e.g. `https://collector.example.com`. */
  api: string;
  /** Honour Global Privacy Control and Do Not Track (default true; false or 'false' turns it off). */
  honorDnt?: boolean | string;
}

export interface Visitor {
  visitor_id: string;
  pages_visited: Page[];
  time_spent: number;
  visit_count: number;
  touches?: Touch[];
}

export interface Leadtrail {
  (method: string, ...args: unknown[]): unknown;
  identify(contact: Contact & Record<string, unknown>): void;
  /** The visitor's history; null while tracking is off (opted out, privacy signal, no key). */
  visitor(): Promise<Visitor | null>;
  reset(): void;
  optOut(): void;
  optIn(): void;
}

/** The behaviour the collector gets (cumulative, so a repeat is harmless). Only while recording: all is set. */
const behaviour = (): Visitor => {
  tick();
  return {
    visitor_id: state.visitorId_!,
    pages_visited: state.pages_!.slice(),
    // Whole seconds, rounded (never negative).
    time_spent: (state.activeMs_! / 1e3 + 0.5) | 0,
    visit_count: state.visits_!,
    touches: state.firstTouch_ && [state.firstTouch_, state.latestTouch_!],
  };
};

export const start = ({ key, api, honorDnt }: Options): Leadtrail => {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  const blocked = !key || (honorDnt + '' !== 'false' && (nav.globalPrivacyControl || nav.doNotTrack === '1'));
  let ready: Promise<unknown> = Promise.resolve();
  /** The value of `views` when behaviour was last sent (0: never; the landing page makes `views` 1). */
  let synced = 0;
  /** This page's view, read as the page loads, until the state load starts. */
  let landing: ((record: State) => void) | 0;

  /**
   * Loads the state (once) and adds what only matters from then on (navigations, input), when the browser is first
   * idle (a first paint needs none of it), or earlier when something needs it (a form, an API call, the page hidden
   * or left).
   */
  const init = () => {
    if (landing) {
      patchHistory();
      watchInput();
      ready = boot(landing) || ready;
      landing = 0;
    }
    return ready;
  };

  /** Runs `fn` now when recording, else once the state is loaded, if recording then. */
  const whenRecording = (fn: () => unknown) => (recording > 0 ? fn() : init().then(guard(() => recording > 0 && fn())));

  const payload = (form?: Pair[]): TrackerPayload => {
    synced = views;
    return { key, event_id: uuid(), ...behaviour(), form };
  };

  /**
   * Sends a submission; an email in it makes the visitor identified. `priority` 2: one a page unloaded before its
   * IndexedDB writes committed (the identified flag among them), sent again from localStorage.
   */
  const deliver = (body: TrackerPayload, priority: number) => {
    if (hasEmail(body.form)) update((record) => (record.identified_ = 1));
    send(body, priority);
  };

  /** Sends what the visitor told (a form, or `identify`). */
  const submit = (form: Pair[]) => recording && whenRecording(() => deliver(payload(form.slice(0, 50)), 1));

  /** Loads the state and, unless opted out, records this page view; then starts recording. */
  const boot = guard((recordView: (record: State) => void = page(1)) => {
    const stashedMs = stashTime();
    return update((record) => {
      if (!record.optedOut_) {
        // Nothing reads it before the stored record is loaded, which has one from then on.
        record.visitorId_ ||= uuid();
        addTime(stashedMs)(record);
        recordView(record);
      }
    }).then(
      guard(() => {
        setRecording(+!state.optedOut_);
        if (recording) {
          // A client-side navigation before the state was loaded.
          view();
          tick();
          flush();
          const unsent = localStorage.lt_q;
          delete localStorage.lt_q;
          if (unsent) deliver(JSON.parse(unsent), 2);
        }
      }),
    );
  });

  const methods = {
    // The page's own fields go as a form the collector maps (`|email`: as an autocomplete token; empty: skipped).
    identify: guard((given: Record<string, unknown>) =>
      submit(Object.entries(given).map(([field, value]) => pair(`|${field}`, ([value] + '').trim()))),
    ),
    // update(Object) changes nothing: a fresh read of the stored state.
    visitor: () =>
      init()
        .then(() => (recording > 0 ? update(Object).then(behaviour) : null))
        .catch(() => null),
    reset: guard(() =>
      whenRecording(() => {
        const visitorId = uuid();
        const at = now();
        tick();
        update((record) =>
          Object.assign(record, {
            visitorId_: visitorId,
            pages_: [],
            activeMs_: 0,
            visits_: 1,
            lastActive_: at,
            identified_: 0,
            // The next person on this device did not arrive the way the last one did.
            firstTouch_: undefined,
            latestTouch_: undefined,
          }),
        );
      }),
    ),
    optOut: () => {
      tick(1);
      setRecording(0);
      update((record) => {
        for (const name in record) delete record[name as keyof State];
        record.optedOut_ = 1;
      });
    },
    optIn: () => {
      if (!blocked) {
        update((record) => delete record.optedOut_);
        // Later calls wait for this start.
        ready = init().then((): unknown => recording || boot());
      }
    },
  };

  if (!blocked) {
    setApi(api);
    setRecording(-1);
    // What a first paint needs: this page's URL (a router may change it before the state is loaded), forms, and
    // the page being hidden or left.
    landing = page(1);
    const release = capture(submit);
    for (const type of 'visibilitychange focus blur pageshow pagehide popstate online'.split(' '))
      listen(type, (event) => {
        if (recording > 0) {
          onTime(event);
          onNav(event);
          // Any of these (online above all) is a good moment to send what is due.
          flush();
        }
        if (type === 'pagehide' || document.hidden) {
          // Hidden or left before the browser was idle: the view is recorded now.
          init();
          // A form held for the site's sign of success goes now; then, once identified, behaviour follows the
          // visitor: one sync per page view.
          release();
          if (recording > 0 && state.identified_ && synced !== views) send(payload());
        }
      });
    (window.requestIdleCallback || setTimeout)(init);
  }

  return Object.assign(
    guard((method: string, ...args: unknown[]) =>
      (methods as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!(...args),
    ),
    methods,
  ) as Leadtrail;
};
