/**
 * The renderer: shows one decision per placement inside shadow roots, and reports what the
 * visitor saw and did through the host (each of impression, click and dismissal at most once per
 * decision). Nothing it does may throw into the page.
 */
import type { Decision, NudgeEventType, RenderHost } from "../types";
import { content, el } from "./content";
import { styler } from "./styles";
import { arm } from "./trigger";

export interface Renderer {
  /** The placements this page can show: `top_banner`, `popup`, `inline:<slot>` per slot, `nba` if it has a spot. */
  placements(): string[];
  /** Shows the decisions, one per placement. */
  render(decisions: Decision[]): void;
}

interface Shown {
  d: Decision;
  /** Removes it from the page (without reporting). */
  stop(): void;
  /** A pop-up that is open is not replaced. */
  busy?: () => boolean;
}

type Win = Window & typeof globalThis;

const SLOT = "data-nudge-slot";
const NBA = "data-nudge-nba";

/** Runs `f`, swallowing any error: the page must never see one. */
function guard<A extends unknown[]>(f: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      f(...args);
    } catch {
      // Never into the page.
    }
  };
}

export function createRenderer(host: RenderHost, doc: Document = document): Renderer {
  const win = (doc.defaultView || window) as Win;
  const adopt = styler(win);
  const reported = new Set<string>();
  const shown = new Map<string, Shown>();
  /** Campaigns closed on this page: not shown again until the next page load. */
  const dismissed = new Set<string>();
  const roots = new WeakMap<Element, ShadowRoot>();

  const report = (type: NudgeEventType, d: Decision) => {
    const key = `${type} ${d.token || `${d.campaign_id} ${d.variant_id} ${d.placement}`}`;
    if (reported.has(key)) return;
    reported.add(key);
    try {
      host.report(type, d);
    } catch {
      // The tracker's problem, not the page's.
    }
  };

  /** An (open) shadow root on `target`, or on a child of it where `target` cannot have one. */
  const rootOf = (target: Element): ShadowRoot => {
    let root = roots.get(target);
    if (!root) {
      try {
        root = target.attachShadow({ mode: "open" });
      } catch {
        const inner = el(doc, "div");
        target.append(inner);
        root = inner.attachShadow({ mode: "open" });
      }
      adopt(root);
      roots.set(target, root);
    }
    return root;
  };

  /** A host element of its own at the end of the body, for overlays. */
  const overlay = (placement: string): [HTMLElement, ShadowRoot] => {
    const h = el(doc, "div");
    h.setAttribute("data-nudge", placement);
    (doc.body || doc.documentElement).append(h);
    return [h, rootOf(h)];
  };

  /** Reports the impression once `node` is at least half visible. */
  const watch = (node: Element, d: Decision): (() => void) => {
    const seen = () => report("nudge_impression", d);
    const IO = win.IntersectionObserver;
    if (!IO) {
      seen();
      return () => {};
    }
    const io = new IO(
      guard((entries: IntersectionObserverEntry[]) => {
        if (entries.some((e) => e.isIntersecting && e.intersectionRatio >= 0.5)) {
          io.disconnect();
          seen();
        }
      }),
      { threshold: 0.5 },
    );
    io.observe(node);
    return () => io.disconnect();
  };

  const closeButton = (onClose: () => void) => {
    const x = el(doc, "button", "x", "\u00d7");
    x.type = "button";
    x.setAttribute("aria-label", "Close");
    x.addEventListener("click", guard(onClose));
    return x;
  };

  const body = (d: Decision, titleTag: "h2" | "strong") =>
    content(
      doc,
      win.location.href,
      d,
      titleTag,
      guard(() => report("nudge_click", d)),
    );

  const dismiss = (d: Decision) => {
    dismissed.add(d.campaign_id);
    report("nudge_dismiss", d);
    shown.get(d.placement)?.stop();
    shown.delete(d.placement);
  };

  const banner = (d: Decision): Shown => {
    const [h, root] = overlay(d.placement);
    const box = el(doc, "div", "n bar");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", d.content?.title || "Announcement");
    box.append(
      ...body(d, "strong"),
      closeButton(() => dismiss(d)),
    );
    root.append(box);
    const unwatch = watch(box, d);
    return {
      d,
      stop: () => {
        unwatch();
        h.remove();
      },
    };
  };

  const inline = (d: Decision, target: Element): Shown => {
    const root = rootOf(target);
    const box = el(doc, "div", `n ${d.placement === "nba" ? "nba" : "inline"}`);
    box.append(...body(d, "h2"));
    root.replaceChildren(box);
    const unwatch = watch(box, d);
    return {
      d,
      stop: () => {
        unwatch();
        // The page's own content of the slot shows again.
        root.replaceChildren(el(doc, "slot"));
      },
    };
  };

  const popup = (d: Decision): Shown => {
    let close: (() => void) | undefined;
    const open = () => {
      const before = doc.activeElement;
      const [h, root] = overlay(d.placement);
      const backdrop = el(doc, "div", "bd");
      const dialog = el(doc, "div", "n dlg");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      if (d.content?.title) dialog.setAttribute("aria-labelledby", "t");
      else dialog.setAttribute("aria-label", "Offer");
      dialog.tabIndex = -1;
      dialog.append(
        closeButton(() => dismiss(d)),
        ...body(d, "h2"),
      );
      backdrop.append(dialog);
      backdrop.addEventListener(
        "click",
        guard((e: Event) => {
          if (e.target === backdrop) dismiss(d);
        }),
      );
      root.append(backdrop);
      const onKey = guard((e: KeyboardEvent) => {
        if (e.key === "Escape") {
          e.preventDefault();
          dismiss(d);
        } else if (e.key === "Tab") {
          // Focus stays inside the modal dialog.
          const focusable = Array.from(dialog.querySelectorAll<HTMLElement>("a[href],button"));
          const first = focusable[0];
          const last = focusable[focusable.length - 1];
          const active = root.activeElement;
          if (!first || !last) return;
          if (e.shiftKey ? active === first || active === dialog || !active : active === last || !active) {
            e.preventDefault();
            (e.shiftKey ? last : first).focus();
          }
        }
      });
      doc.addEventListener("keydown", onKey, true);
      close = () => {
        doc.removeEventListener("keydown", onKey, true);
        h.remove();
        if (before instanceof win.HTMLElement && before.isConnected) before.focus();
        close = undefined;
      };
      dialog.focus();
      report("nudge_impression", d);
    };
    const cancel = arm(win, d.trigger, guard(open));
    return {
      d,
      stop: () => {
        cancel();
        close?.();
      },
      busy: () => !!close,
    };
  };

  const target = (placement: string): Element | null | undefined => {
    if (placement === "nba") return doc.querySelector(`[${NBA}]`);
    if (placement.startsWith("inline:")) {
      const slot = placement.slice(7);
      return Array.from(doc.querySelectorAll(`[${SLOT}]`)).find((e) => e.getAttribute(SLOT) === slot);
    }
    return undefined;
  };

  const show = (d: Decision) => {
    const placement = d.placement;
    const current = shown.get(placement);
    if (dismissed.has(d.campaign_id)) return;
    if (current && ((current.d.campaign_id === d.campaign_id && current.d.variant_id === d.variant_id) || current.busy?.())) return;
    let next: Shown | undefined;
    if (placement === "top_banner") next = banner(d);
    else if (placement === "popup") next = popup(d);
    else {
      const spot = target(placement);
      if (spot) next = inline(d, spot);
    }
    if (!next) return;
    current?.stop();
    shown.set(placement, next);
  };

  return {
    placements() {
      const out = ["top_banner", "popup"];
      try {
        for (const e of Array.from(doc.querySelectorAll(`[${SLOT}]`))) {
          const name = `inline:${e.getAttribute(SLOT)}`;
          if (name !== "inline:" && !out.includes(name)) out.push(name);
        }
        if (doc.querySelector(`[${NBA}]`)) out.push("nba");
      } catch {
        // The fixed placements still.
      }
      return out;
    },
    render(decisions) {
      if (!Array.isArray(decisions)) return;
      const done = new Set<string>();
      for (const d of decisions) {
        if (!d || typeof d.placement !== "string" || done.has(d.placement)) continue;
        done.add(d.placement);
        guard(show)(d);
      }
    },
  };
}
