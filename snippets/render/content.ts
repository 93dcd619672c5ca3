/**
 * A decision's content as DOM nodes: `createElement` and `textContent` only, never an HTML
 * string, so Trusted Types pages accept it. Links and images only for http(s) URLs.
 */
import type { Decision } from "../types";
import { safeUrl } from "./url";

export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (cls) node.className = cls;
  if (text) node.textContent = text;
  return node;
}

/** A link when `url` is http(s), plain text otherwise; `onClick` runs before the navigation. */
function link(doc: Document, base: string, url: unknown, text: string, cls: string, onClick: () => void): HTMLElement {
  const href = safeUrl(url, base);
  if (!href) return el(doc, "span", cls, text);
  const a = el(doc, "a", cls, text);
  a.href = href;
  a.addEventListener("click", onClick);
  return a;
}

/** The title (id `t`, for `aria-labelledby`), image, body, code, items and call to action. */
export function content(doc: Document, base: string, d: Decision, titleTag: "h2" | "strong", onClick: () => void): HTMLElement[] {
  const c = d.content || {};
  const out: HTMLElement[] = [];
  const image = safeUrl(c.image_url, base);
  if (image) {
    const img = el(doc, "img");
    img.alt = "";
    img.src = image;
    out.push(img);
  }
  if (c.title) {
    const title = el(doc, titleTag, "t", c.title);
    title.id = "t";
    out.push(title);
  }
  if (c.body) out.push(el(doc, "p", "", c.body));
  if (c.code) {
    const p = el(doc, "p");
    p.append(el(doc, "code", "", c.code));
    out.push(p);
  }
  if (c.items?.length) {
    const list = el(doc, "ul");
    for (const item of c.items) {
      const li = el(doc, "li");
      li.append(link(doc, base, item.url, item.item_name || item.item_id, "", onClick));
      list.append(li);
    }
    out.push(list);
  }
  if (c.cta?.label) out.push(link(doc, base, c.cta.url, c.cta.label, "cta", onClick));
  return out;
}
