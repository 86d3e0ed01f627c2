/**
 * The public API and the wiring of every module. Each method is guarded: a bad call or a broken browser
 * feature never throws into the site. Nothing is recorded before the stored state (and its opt-out flag) is
 * loaded, and nothing at all under a privacy signal.
 */
import type { TrackerPayload } from '@leadtrail/protocol';
import { flush, send, setApi } from './delivery.ts';
import { type Contact, capture } from './forms.ts';
import { onNav, page, patchHistory, views } from './pages.ts';
import { add, type Page, type State, st, stash, upd } from './storage.ts';
import { guard, isEmail, now, on, run, setRun, uuid } from './util.ts';
import { onTime, tick } from './visit.ts';

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
const hist = (): Visitor => {
  tick();
  return {
    visitor_id: st.v!,
    pages_visited: st.p!.slice(),
    time_spent: Math.round(st.t! / 1e3),
    visit_count: st.c!,
  };
};

export const start = ({ key, api, honorDnt }: Options): Leadtrail => {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  const blocked = !key || (honorDnt + '' !== 'false' && (nav.globalPrivacyControl || nav.doNotTrack === '1'));
  let ready: Promise<unknown> = Promise.resolve();
  /** The value of `views` when behaviour was last sent. */
  let synced = -1;

  /** Runs `f` now when recording, else once the state is loaded, if recording then. */
  const when = (f: () => unknown) => (run > 0 ? f() : ready.then(guard(() => run > 0 && f())));

  const body = (c: Contact): TrackerPayload => {
    synced = views;
    return { key, event_id: uuid(), ...hist(), ...c };
  };

  /** Loads the state and, unless opted out, records this page view; then starts recording. */
  const boot = guard(() => {
    const id = uuid();
    const first = page();
    const ms = stash();
    return upd((s) => {
      if (!s.o) {
        s.v ||= id;
        add(ms)(s);
        first(s);
      }
    }).then(
      guard(() => {
        setRun(+!st.o);
        if (run) {
          tick();
          flush();
          const q = localStorage.lt_q;
          delete localStorage.lt_q;
          if (q) send(JSON.parse(q), 2);
        }
      }),
    );
  });

  const M = {
    identify: guard((d: Record<string, unknown>) => {
      const c: Record<string, string> = {};
      for (const k of 'name email phone company position notes'.split(' ')) {
        // Protocol limits (notes: ours). An over-long email is kept whole, so isEmail refuses it.
        const x = ([d[k]] + '').trim().slice(0, { notes: 5e3, phone: 64, email: 255 }[k] || 200);
        if (x) c[k] = x;
      }
      if (!isEmail(c.email)) delete c.email;
      run &&
        when(() => {
          upd((s) => (s.i = 1));
          send(body(c), 1);
        });
    }),
    // upd(Object) changes nothing: a fresh read of the stored state.
    visitor: () => ready.then(() => (run > 0 ? upd(Object).then(hist) : null)).catch(() => null),
    reset: guard(() =>
      when(() => {
        const id = uuid();
        const t = now();
        tick();
        upd((s) => Object.assign(s, { v: id, p: [], t: 0, c: 1, a: t, i: 0 }));
      }),
    ),
    optOut: () => {
      tick(1);
      setRun(0);
      upd((s) => {
        for (const k in s) delete s[k as keyof State];
        s.o = 1;
      });
    },
    optIn: () => {
      if (!blocked) {
        upd((s) => delete s.o);
        // Later calls wait for this start.
        ready = ready.then((): unknown => run || boot());
      }
    },
  };

  if (!blocked) {
    setApi(api);
    setRun(-1);
    patchHistory();
    capture(M.identify);
    for (const type of 'visibilitychange focus blur pageshow pagehide popstate online'.split(' '))
      on(type, (e) => {
        if (run > 0) {
          onTime(e);
          onNav(e);
          // Any of these (online above all) is a good moment to send what is due.
          flush();
          // Once identified, behaviour follows the visitor: one sync per page view, when the page is left.
          if (st.i && synced !== views && (type === 'pagehide' || document.hidden)) send(body({}));
        }
      });
    ready = boot() || ready;
  }

  const methods = M as unknown as Record<string, (...a: unknown[]) => unknown>;
  return Object.assign(
    guard((m: string, ...a: unknown[]) => methods[m]!(...a)),
    M,
  ) as Leadtrail;
};
