import { describe, expect, it, vi } from "vitest";
import type { Decision } from "../types";
import { content, type Make } from "./content";

/** An element as far as `content` uses one, recorded for inspection. */
class FakeNode {
  href?: string;
  children: FakeNode[] = [];
  listeners: string[] = [];
  constructor(
    readonly tag: string,
    readonly cls = "",
    readonly text = "",
    readonly attrs: Record<string, string> = {},
  ) {}
  append(...nodes: FakeNode[]) {
    this.children.push(...nodes);
  }
  appendChild(node: FakeNode) {
    this.children.push(node);
    return node;
  }
  addEventListener(type: string) {
    this.listeners.push(type);
  }
}

const mk = ((tag: string, cls?: string, text?: string, attrs?: Record<string, string>) =>
  new FakeNode(tag, cls, text, attrs)) as unknown as Make;
const base = "https://shop.example/products/mug";
const decision = (c: Decision["content"]): Decision => ({
  placement: "top_banner",
  campaign_id: "cmp_1",
  variant_id: "a",
  kind: "banner",
  content: c,
  token: "tok",
});
const build = (c: Decision["content"], onClick = () => {}) => content(mk, base, decision(c), "h2", onClick) as unknown as FakeNode[];
const all = (nodes: FakeNode[]): FakeNode[] => nodes.flatMap((n) => [n, ...all(n.children)]);

describe("content", () => {
  it("renders title, body, code, items and call to action in that order, as text", () => {
    const nodes = build({
      title: "<b>Almost</b> there",
      body: "Free shipping",
      code: "SAVE10",
      items: [{ item_id: "mug-1", item_name: "Mug", url: "/mug" }, { item_id: "cup-2" }],
      cta: { label: "To the cart", url: "/cart" },
    });
    expect(nodes.map((n) => n.tag)).toEqual(["h2", "p", "p", "ul", "a"]);
    expect(nodes[0]).toMatchObject({ cls: "t", text: "<b>Almost</b> there", attrs: { id: "t" } });
    expect(nodes[2]?.children[0]).toMatchObject({ tag: "code", text: "SAVE10" });
    const items = nodes[3]?.children.map((li) => li.children[0]);
    expect(items?.map((n) => [n?.tag, n?.text, n?.href])).toEqual([
      ["a", "Mug", "https://shop.example/mug"],
      ["span", "cup-2", undefined],
    ]);
    expect(nodes[4]).toMatchObject({ tag: "a", cls: "cta", text: "To the cart", href: "https://shop.example/cart" });
  });

  it("a call to action or item whose URL is not http(s) is plain text, never a link", () => {
    for (const url of ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "", "http://"]) {
      const nodes = all(build({ cta: { label: "Claim", url }, items: [{ item_id: "x", item_name: "X", url }] }));
      expect(
        nodes.filter((n) => n.tag === "a"),
        url,
      ).toEqual([]);
      expect(nodes.some((n) => n.href !== undefined || n.listeners.length > 0)).toBe(false);
      expect(nodes.find((n) => n.cls === "cta")).toMatchObject({ tag: "span", text: "Claim" });
    }
  });

  it("an image only from an http(s) URL, with an empty alt", () => {
    expect(build({ image_url: "https://cdn.example/a.png" })[0]).toMatchObject({
      tag: "img",
      attrs: { alt: "", src: "https://cdn.example/a.png" },
    });
    expect(build({ image_url: "/a.png" })[0]).toMatchObject({ tag: "img", attrs: { src: "https://shop.example/a.png" } });
    for (const url of ["javascript:alert(1)", "data:image/svg+xml,<svg onload=alert(1)>", "blob:x"])
      expect(build({ image_url: url })).toEqual([]);
  });

  it("links report the click (before the navigation, which is left alone)", () => {
    const onClick = vi.fn();
    const nodes = all(build({ cta: { label: "Go", url: "/go" }, items: [{ item_id: "a", url: "https://x.example/" }] }, onClick));
    expect(nodes.filter((n) => n.tag === "a").map((n) => n.listeners)).toEqual([["click"], ["click"]]);
  });

  it("renders nothing for empty content, and skips a call to action without a label", () => {
    expect(build({})).toEqual([]);
    expect(build({ cta: { label: "", url: "/x" }, items: [] })).toEqual([]);
  });
});
