/**
 * A decision's content as DOM nodes: `createElement` and `textContent` only, never an HTML
 * string, so Trusted Types pages accept it. Links and images only for http(s) URLs.
 */
import type { Decision } from "../types";
import { safeUrl } from "./url";

/** Creates an element with a class, a text and attributes (all optional). */
export type Make = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
  attrs?: Record<string, string>,
) => HTMLElementTagNameMap[K];

export const maker =
  (doc: Document): Make =>
  (tag, cls, text, attrs) => {
    const node = doc.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    for (const name in attrs) node.setAttribute(name, attrs[name] as string);
    return node;
  };

/**
 * The image, title (id `t`, for `aria-labelledby`), body, code, items and call to action. A link
 * only where its URL is http(s) (`onClick` runs before the navigation), plain text otherwise.
 */
export function content(mk: Make, base: string, d: Decision, titleTag: "h2" | "strong", onClick: () => void): HTMLElement[] {
  const c = d.content;
  const link = (url: unknown, text: string, cls?: string) => {
    const href = safeUrl(url, base);
    const node = mk(href ? "a" : "span", cls, text);
    if (href) {
      (node as HTMLAnchorElement).href = href;
      node.addEventListener("click", onClick);
    }
    return node;
  };
  const out: HTMLElement[] = [];
  const image = safeUrl(c.image_url, base);
  if (image) out.push(mk("img", "", "", { alt: "", src: image }));
  if (c.title) out.push(mk(titleTag, "t", c.title, { id: "t" }));
  if (c.body) out.push(mk("p", "", c.body));
  if (c.code) {
    const p = mk("p");
    p.append(mk("code", "", c.code));
    out.push(p);
  }
  const items = c.items || [];
  if (items.length) {
    const list = mk("ul");
    for (const item of items) list.appendChild(mk("li")).append(link(item.url, item.item_name || item.item_id));
    out.push(list);
  }
  const cta = c.cta || { label: "", url: "" };
  if (cta.label) out.push(link(cta.url, cta.label, "cta"));
  return out;
}
