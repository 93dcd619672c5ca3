/**
 * The renderer's one stylesheet, adopted by every shadow root as a constructed stylesheet: no
 * `style` attribute and no `<style>` element, so a strict `style-src` CSP holds. Theming goes
 * through custom properties the page sets (they inherit into shadow trees); everything else is
 * private to the shadow roots. Without constructable stylesheets nothing is styled and the nudges
 * still render.
 */
const fixed = "position:fixed;z-index:2147483647;top:0;right:0;left:0";
export const CSS = `:host([data-nudge]){all:initial!important}
.n{display:grid;justify-items:start;gap:8px;font:15px/1.4 var(--nudge-font,system-ui);color:var(--nudge-fg,#111);background:var(--nudge-bg,#fff);border-radius:var(--nudge-radius,8px);padding:16px 40px 16px 24px;animation:f .2s}
.n *{font:inherit;margin:0}
.t,.cta,.n code{font-weight:700}
.bar{${fixed};display:flex;flex-wrap:wrap;align-items:center;justify-content:center;border-radius:0}
.bd{${fixed};bottom:0;display:grid;place-items:center;background:#0009}
.dlg{position:relative;width:min(420px,90vw);max-height:90vh;overflow:auto;outline:0}
.x{position:absolute;top:0;right:0;border:0;background:0;color:inherit;font-size:22px;padding:8px 12px}
a.cta{padding:8px 16px;border-radius:var(--nudge-radius,8px);background:var(--nudge-accent,#2563eb);color:var(--nudge-bg,#fff);text-decoration:none}
img{max-width:100%}
@keyframes f{0%{opacity:0}}
@media (prefers-reduced-motion:reduce){*{animation:none!important}}`;

/** Adopts the stylesheet into shadow roots of `win`'s document; a no-op where constructable stylesheets are missing. */
export function styler(win: Window & typeof globalThis): (root: ShadowRoot) => void {
  let sheet: CSSStyleSheet | undefined;
  try {
    sheet = new win.CSSStyleSheet();
    sheet.replaceSync(CSS);
  } catch {
    sheet = undefined;
  }
  return (root) => {
    if (sheet) root.adoptedStyleSheets = [sheet];
  };
}
