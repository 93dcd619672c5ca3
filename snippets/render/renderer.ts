/**
 * The renderer: shows one decision per placement inside shadow roots, and reports what the
 * visitor saw and did through the host (each of impression, click and dismissal at most once per
 * decision). Nothing it does may throw into the page.
 */
import type { Decision, NudgeEventType, RenderHost } from "../types";
import { content, maker } from "./content";
import { styler } from "./styles";
import { arm } from "./trigger";

export interface Renderer {
  /** The placements this page can show: `top_banner`, `popup`, `inline:<slot>` per slot, `nba` if it has a spot. */
  placements(): string[];
  /** Shows the decisions, one per placement. */
  render(decisions: Decision[]): void;
}

/**
 * What a placement shows: how to remove it (without reporting), and whether it stays when `d`
 * comes for its placement (the same campaign and variant still on the page, or an open pop-up).
 */
type Shown = [stop: () => void, keeps: (d: Decision) => boolean];

const SLOT = "data-nudge-slot";
const NBA = "[data-nudge-nba]";

/** Runs `f`, swallowing any error: the page must never see one. */
function guard<A extends unknown[]>(f: (...args: A) => unknown): (...args: A) => void {
  return (...args) => {
    try {
      f(...args);
    } catch {
      // Never into the page.
    }
  };
}

/** Listens with `f` guarded; returns how to stop. */
function on(target: EventTarget, type: string, f: (e: Event) => unknown): () => void {
  const g = guard(f);
  target.addEventListener(type, g);
  return () => target.removeEventListener(type, g);
}

const same = (a: Decision, b: Decision) => a.campaign_id === b.campaign_id && a.variant_id === b.variant_id;

export function createRenderer(host: RenderHost, doc: Document = document): Renderer {
  const win = (doc.defaultView || window) as Window & typeof globalThis;
  const mk = maker(doc);
  const adopt = styler(win);
  const reported = new Set<string>();
  const shown = new Map<string, Shown>();
  /** Campaigns closed on this page: not shown again until the next page load. */
  const dismissed = new Set<string>();

  const report = guard((type: NudgeEventType, d: Decision) => {
    const key = type + d.placement + d.token;
    if (!reported.has(key)) {
      reported.add(key);
      host.report(type, d);
    }
  });

  /** The (open) shadow root on `target`, made on first use, or on a child of it where `target` cannot have one. */
  const rootOf = (target: Element): ShadowRoot => {
    let root = target.shadowRoot;
    if (!root) {
      try {
        root = target.attachShadow({ mode: "open" });
      } catch {
        root = target.appendChild(mk("div")).attachShadow({ mode: "open" });
      }
      adopt(root);
    }
    return root;
  };

  /** Reports the impression once `node` is at least half visible; returns how to stop watching. */
  const watch = (node: Element, d: Decision): (() => void) => {
    const seen = () => report("nudge_impression", d);
    const io: IntersectionObserver = new win.IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.intersectionRatio >= 0.5)) {
          io.disconnect();
          seen();
        }
      },
      { threshold: 0.5 },
    );
    io.observe(node);
    return () => io.disconnect();
  };

  const dismiss = (d: Decision) => {
    dismissed.add(d.campaign_id);
    report("nudge_dismiss", d);
    (shown.get(d.placement) as Shown)[0]();
    shown.delete(d.placement);
  };

  /**
   * Fills `box` with the decision (after a close button for overlays) and puts it in a shadow
   * root: the slot's, or for overlays one on a host element of its own at the end of the body.
   * Returns the root and how to remove it again (a slot shows the page's own content again).
   */
  const build = (d: Decision, box: HTMLElement, titleTag: "h2" | "strong", target?: Element, outer = box): [ShadowRoot, () => void] => {
    if (!target) on(box.appendChild(mk("button", "x", "\u00d7", { type: "button", "aria-label": "Close" })), "click", () => dismiss(d));
    box.append(...content(mk, win.location.href, d, titleTag, () => report("nudge_click", d)));
    const h = target || (doc.body || doc.documentElement).appendChild(mk("div", "", "", { "data-nudge": d.placement }));
    const root = rootOf(h);
    root.replaceChildren(outer);
    return [root, () => (target ? root.replaceChildren(mk("slot")) : h.remove())];
  };

  /** A top banner (no target) or the content of a slot. */
  const block = (d: Decision, target?: Element): Shown => {
    const box = target
      ? mk("div", `n ${d.placement === "nba" ? "nba" : "inline"}`)
      : mk("div", "n bar", "", { role: "region", "aria-label": d.content.title || "Announcement" });
    const remove = build(d, box, target ? "h2" : "strong", target)[1];
    const unwatch = watch(box, d);
    return [
      () => {
        unwatch();
        remove();
      },
      (next) => box.isConnected && same(d, next),
    ];
  };

  const popup = (d: Decision): Shown => {
    let close: (() => void) | undefined;
    const open = () => {
      const before = doc.activeElement as HTMLElement | null;
      const dialog = mk("div", "n dlg", "", {
        role: "dialog",
        "aria-modal": "true",
        tabindex: "-1",
        ...(d.content.title ? { "aria-labelledby": "t" } : { "aria-label": "Offer" }),
      });
      const backdrop = mk("div", "bd");
      backdrop.append(dialog);
      const [root, remove] = build(d, dialog, "h2", undefined, backdrop);
      const offs = [
        on(backdrop, "click", (e) => e.target === backdrop && dismiss(d)),
        on(doc, "keydown", (e) => (e as KeyboardEvent).key === "Escape" && dismiss(d)),
        // Focus stays inside the modal dialog: focus that leaves it for the page comes back.
        on(doc, "focusin", (e) => e.target !== root.host && dialog.focus()),
      ];
      close = () => {
        for (const off of offs) off();
        remove();
        close = undefined;
        if (before) before.focus();
      };
      dialog.focus();
      report("nudge_impression", d);
    };
    const cancel = arm(win, d.trigger, guard(open));
    return [
      () => {
        cancel();
        if (close) close();
      },
      (next) => !!close || same(d, next),
    ];
  };

  const show = (d: Decision) => {
    const p = d.placement;
    const current = shown.get(p) || [() => {}, () => false];
    if (dismissed.has(d.campaign_id) || current[1](d)) return;
    const target = p === "nba" ? doc.querySelector(NBA) : slots().find((e) => `inline:${e.getAttribute(SLOT)}` === p);
    const make = p === "top_banner" ? () => block(d) : p === "popup" ? () => popup(d) : target ? () => block(d, target) : 0;
    if (make) {
      // The previous one goes first: a slot is emptied before the new content goes in.
      current[0]();
      shown.set(p, make());
    }
  };

  const slots = () => Array.from(doc.querySelectorAll(`[${SLOT}]`));

  const render = (decisions: Decision[]) => {
    // Slots are looked up once the page is parsed.
    if (doc.readyState === "loading") on(doc, "DOMContentLoaded", () => render(decisions));
    else for (const d of Array.from(decisions || [])) if (Object(d).content) guard(show)(d);
  };

  return {
    placements() {
      const out = ["top_banner", "popup"];
      try {
        for (const e of slots()) {
          const name = `inline:${e.getAttribute(SLOT)}`;
          if (name !== "inline:" && out.indexOf(name) < 0) out.push(name);
        }
        if (doc.querySelector(NBA)) out.push("nba");
      } catch {
        // The fixed placements still.
      }
      return out;
    },
    render: guard(render),
  };
}
