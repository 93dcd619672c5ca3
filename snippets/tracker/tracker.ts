/**
 * The tracker: captures page views (also of single-page apps), GA4 e-commerce events and Consent
 * Mode updates from the dataLayer, and the page API's calls, and sends them in batches to
 * POST /v1/collect, honouring the shop's consent mode. Nothing is stored (localStorage) or sent
 * before storing is allowed: in shops with `consent_mode: "implied"` until the visitor opts out, in
 * `"required"` shops once analytics consent is granted; until then the page's events wait in memory
 * (with an anonymous id that exists only there). A revocation is sent, then everything the snippet
 * stored is removed and nothing more is sent.
 */
import type { Decision, RenderHost } from "../types";
import { backoff } from "./backoff";
import type { Consent } from "./consent-mode";
import { context } from "./context";
import { fromDataLayer } from "./datalayer";
import { ga4 } from "./ga4";
import { MAX_EVENTS, split } from "./split";
import { type Obj, obj } from "./util";

export interface Renderer {
  placements(): string[];
  render(decisions: Decision[]): void;
}

/** `window.nudge`, the page API (before the snippet loaded: the stub, which queues calls in `q`). */
export interface Api {
  (command?: unknown, ...args: unknown[]): void;
  q?: Iterable<unknown>[];
  /** Set once the snippet runs: a second tag does nothing. */
  v?: number;
}

type Win = Window & typeof globalThis & { nudge?: Api; dataLayer?: unknown };
type Fn = (...args: unknown[]) => unknown;

// What the snippet stores, in localStorage, and only while storing is allowed.
const ID = "nudge_id";
const SESSION = "nudge_session";
const CONSENT = "nudge_consent";
const QUEUE = "nudge_queue";

/** A session ends after 30 minutes without an event. */
const SESSION_MS = 18e5;
/** Events wait at most this long for more to join their batch… */
const FLUSH_MS = 1e3;
/** …or until this many wait. */
const BATCH = 20;

/** `f`, swallowing any error: nothing the snippet does may throw into the page. */
const safe =
  <A extends unknown[]>(f: (...args: A) => unknown) =>
  (...args: A): void => {
    try {
      f(...args);
    } catch {}
  };

/** 128 random bits as (up to 40) decimal digits: anonymous, session and event ids. */
const rid = () => crypto.getRandomValues(new Uint32Array(4)).join("");
const iso = () => new Date().toISOString();

export function start(w: Win, script: HTMLScriptElement | null, createRenderer?: (host: RenderHost) => Renderer): void {
  const site = script?.getAttribute("data-site");
  if (!site || w.nudge?.v) return;
  const doc = w.document;
  const loc = w.location;
  const base = new URL((script as HTMLScriptElement).src).origin;
  const url = `${base}/v1/collect`;

  /** Reads a key (no `v`), writes it, or removes it (`v` null); localStorage may be missing or refuse. */
  const store = (k: string, v?: unknown): unknown => {
    try {
      const ls = w.localStorage;
      return v === undefined ? JSON.parse(ls.getItem(k) as string) : v ? ls.setItem(k, JSON.stringify(v)) : ls.removeItem(k);
    } catch {}
  };

  /** The shop's consent mode (GET /v1/config); nothing is stored or sent before it is known. */
  let mode: unknown;
  let consent: Consent = obj(store(CONSENT));
  const stored = store(ID);
  /** The device: its stored id, else a new one. */
  const aid = /^\d{9,40}$/.test(stored as string) ? (stored as string) : rid();
  /** The API tracks this device (its id was stored, or it was sent from this page): a revocation must reach it. */
  let tracked = aid === stored;
  let session = obj(store(SESSION));
  /** Events waiting to be sent: first those an earlier page could not send. */
  let queue: Obj[] = [].concat((store(QUEUE) as never) || []);
  /** A page view waits for its decisions: the next send asks for the page's placements. */
  let want = false;
  let fails = 0;
  /** No send before this time (the backoff after a failure). */
  let until = 0;
  let timer = 0;
  let page = loc.href;
  let referrer = doc.referrer;

  const allowed = () => !!mode && (mode === "implied" ? consent.analytics !== false : consent.analytics === true);
  const save = (k: string, v: unknown) => allowed() && store(k, v);

  const wrap = (events: Obj[], placements?: string[]) =>
    JSON.stringify({
      site,
      anonymous_id: aid,
      sent_at: iso(),
      consent,
      events,
      placements,
      context: context(loc.href, referrer, navigator.userAgent, navigator.language, session.id),
    });
  // A string body goes as text/plain;charset=UTF-8: a simple request, no CORS preflight.
  const post = (body: string) => fetch(url, { method: "POST", keepalive: true, body });

  /** Flushes in `ms` unless a flush is planned, never before a backoff ends. */
  const later = (ms: number) => {
    if (!timer) timer = setTimeout(safe(flush), Math.max(ms, until - Date.now())) as unknown as number;
  };

  /**
   * Sends what waits (and asks for a page view's decisions); on `hide` (the
   * page goes) at once by beacon, falling back to a keepalive fetch.
   */
  const flush = (hide?: boolean) => {
    timer = 0;
    if (!allowed()) return;
    const placements = want && !hide ? renderer?.placements().slice(0, 10) : undefined;
    const events = queue;
    if (!events.length && !placements) return;
    tracked = true;
    want = false;
    queue = [];
    const lost: Obj[] = [];
    for (const group of split(events, (g) => wrap(g, placements))) {
      const body = wrap(group, placements);
      if (hide && navigator.sendBeacon?.(url, body)) continue;
      lost.push(...group);
      post(body)
        .then(async (r) => {
          const answer = obj(await r.json());
          // One invalid event refuses its batch (a 4xx naming it): the others go again without it.
          const bad = /^events\[(\d+)/.exec(obj(answer.error).field as string);
          if (bad) group.splice(+(bad[1] as string), 1);
          if (bad || r.status === 429 || r.status > 499) throw 0;
          // Sent (or refused as a whole, which no retry would change: dropped).
          fails = 0;
          save(QUEUE, []);
          if (placements) renderer?.render(answer.decisions as Decision[]);
        })
        .catch(() => {
          // Offline, 429, 5xx or an event refused: kept (the newest MAX_EVENTS, in localStorage too), sent again after a backoff.
          queue = group.concat(queue).slice(-MAX_EVENTS);
          want ||= !!placements;
          until = Date.now() + backoff(fails++);
          save(QUEUE, queue);
        })
        .finally(() => (queue.length || want) && later(0));
    }
    // On the way out, what may not have got through is kept for the next page (its ids count it once).
    if (hide) save(QUEUE, lost);
  };

  /** Queues an event (with its id and time) and the flush it needs; the session lives on. */
  const add = (e: Obj, ms = FLUSH_MS) => {
    const now = Date.now();
    if (!(now - (session.t as number) < SESSION_MS)) session = { id: rid() };
    session.t = now;
    save(SESSION, session);
    queue.push({ ...e, id: rid(), ts: iso() });
    queue = queue.slice(-MAX_EVENTS);
    later(queue.length < BATCH ? ms : 0);
  };

  /** After the consent or the consent mode changed: store and send, or stop and forget. */
  const check = () => {
    if (!mode) return;
    if (allowed()) {
      // (The session is stored with the next event.)
      save(ID, aid);
      save(CONSENT, consent);
      later(0);
    } else if (tracked) {
      // The revocation goes out, then what the snippet stored goes, and nothing more is sent.
      // (The API applies the batch's consent first, so the other events waiting are not stored.)
      post(wrap(queue)).catch(() => {});
      queue = [];
      tracked = false;
      for (const k of [ID, SESSION, CONSENT, QUEUE]) store(k, null);
      // Where tracking is the default, the opt-out itself is kept, or the next page would track again.
      if (mode === "implied") store(CONSENT, consent);
    }
  };

  /** The visitor's consent: what changes is recorded (a consent event) and applied. */
  const setConsent = (given: unknown) => {
    const c = obj(given);
    const change: Consent = {};
    let changed = 0;
    for (const k of ["analytics", "personalization", "marketing"] as const)
      if (typeof c[k] === "boolean" && c[k] !== consent[k]) {
        change[k] = c[k] as boolean;
        changed = 1;
      }
    if (changed) {
      consent = { ...consent, ...change };
      add({ type: "consent", consent: change }, 0);
      check();
    }
  };

  const view = () => {
    want = true;
    add({ type: "page_view", page: { url: loc.href.slice(0, 2048), title: doc.title, referrer } }, 0);
  };

  /** A single-page app moved to another URL (its fragment aside): a page view. */
  const navigate = safe(() => {
    const now = loc.href;
    if (now.split("#")[0] !== page.split("#")[0]) {
      referrer = page;
      page = now;
      view();
    }
  });

  const api: Api = (command, a, b) => {
    // A traits.user_hash is moved to the event's top level by the API.
    if (command === "identify") add({ type: "identify", traits: a });
    // GA4 e-commerce names as such events, any other name a custom event.
    if (command === "track") add(ga4(a, b) || { type: a, properties: b });
    if (command === "consent") setConsent(a);
    if (command === "page") view();
  };

  const renderer = createRenderer?.({
    report: (type, d) => add({ type, campaign_id: d.campaign_id, variant_id: d.variant_id, token: d.token }, 0),
  });

  const queued = w.nudge?.q || [];
  const nudge: Api = safe(api);
  nudge.v = 1;
  w.nudge = nudge;
  view();
  for (const args of queued) nudge(...args);

  // The dataLayer: what was pushed before the snippet ran, then every push.
  w.dataLayer ||= [];
  const layer = w.dataLayer as unknown[];
  const take = safe((entry: unknown) => {
    const e = fromDataLayer(entry);
    if (e?.type === "consent") setConsent(e.consent);
    else if (e) add(e);
  });
  if (Array.isArray(layer)) {
    layer.forEach(take);
    const push = layer.push;
    layer.push = (...entries: unknown[]) => {
      const n = push.apply(layer, entries);
      entries.forEach(take);
      return n;
    };
  }

  // Single-page apps: history changes and back/forward.
  const history = w.history as unknown as Record<"pushState" | "replaceState", Fn>;
  for (const k of ["pushState", "replaceState"] as const) {
    const original = history[k];
    history[k] = (...args: unknown[]) => {
      const r = original.apply(history, args);
      navigate();
      return r;
    };
  }
  w.addEventListener("popstate", navigate);
  // Leaving or hiding the page: what waits goes by beacon.
  const hide = safe(() => flush(true));
  w.addEventListener("pagehide", hide);
  doc.addEventListener("visibilitychange", () => doc.hidden && hide());

  // Asked again every 5 s while it fails (offline, 5xx).
  const config = (): unknown =>
    fetch(`${base}/v1/config?site=${encodeURIComponent(site)}`)
      .then(async (r) => {
        if (r.status > 499) throw 0;
        // "implied", or anything else: as "required"; none (a refused key): nothing is sent.
        mode = obj(await r.json()).consent_mode;
        check();
      })
      .catch(() => setTimeout(config, 5e3));
  config();
}
