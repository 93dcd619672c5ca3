/**
 * The renderer's one stylesheet, adopted by every shadow root as a constructed stylesheet: no
 * `style` attribute and no `<style>` element, so a strict `style-src` CSP holds. Theming goes
 * through custom properties the page sets (they inherit into shadow trees); everything else is
 * private to the shadow roots. Without constructable stylesheets nothing is styled and the nudges
 * still render.
 */
const accent = "var(--nudge-accent,#2563eb)";
const radius = "border-radius:var(--nudge-radius,8px)";
const top = "position:fixed;z-index:2147483647;top:0;right:0";
export const CSS = `:host([data-nudge]){all:initial!important}
.n{box-sizing:border-box;display:flex;flex-direction:column;align-items:flex-start;gap:8px;font:15px/1.4 var(--nudge-font,system-ui,sans-serif);color:var(--nudge-fg,#111);background:var(--nudge-bg,#fff);${radius};padding:16px 24px}
.n *{font:inherit;margin:0}
.t,code,.cta{font-weight:700}
.bar{${top};left:0;border-radius:0;flex-flow:row wrap;align-items:center;justify-content:center;padding:8px 48px;box-shadow:0 1px 6px #0003}
.bd{${top};bottom:0;left:0;display:grid;place-items:center;background:#0009}
.dlg{position:relative;width:min(420px,92vw);max-height:90vh;overflow:auto;outline:0;padding:24px}
.dlg .t{margin-right:24px}
.x{position:absolute;top:0;right:0;border:0;background:0;color:inherit;font-size:22px;padding:8px 12px;cursor:pointer}
.bar .x{bottom:0}
a{color:${accent}}
a.cta{padding:8px 16px;${radius};background:${accent};color:var(--nudge-bg,#fff);text-decoration:none}
code{padding:2px 8px;border:1px dashed}
img{max-width:100%}
.bar,.bd{animation:nf .2s}
@keyframes nf{from{opacity:0}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}`;

/** Adopts the stylesheet into shadow roots of `win`'s document; a no-op where that is not supported. */
export function styler(win: Window & typeof globalThis): (root: ShadowRoot) => void {
  let sheet: CSSStyleSheet | null | undefined;
  return (root) => {
    try {
      if (sheet === undefined) {
        sheet = null;
        const made = new win.CSSStyleSheet();
        made.replaceSync(CSS);
        sheet = made;
      }
      if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } catch {
      // No constructable stylesheets: render unstyled.
    }
  };
}
