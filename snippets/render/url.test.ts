import { describe, expect, it } from "vitest";
import { globMatch, safeUrl } from "./url";

const base = "https://shop.example/products/mug?x=1";

describe("safeUrl", () => {
  it("keeps http and https URLs, absolute", () => {
    expect(safeUrl("https://shop.example/cart", base)).toBe("https://shop.example/cart");
    expect(safeUrl("http://other.example/a b", base)).toBe("http://other.example/a%20b");
  });

  it("resolves relative URLs against the page", () => {
    expect(safeUrl("/cart", base)).toBe("https://shop.example/cart");
    expect(safeUrl("cart", base)).toBe("https://shop.example/products/cart");
    expect(safeUrl("//cdn.example/i.png", base)).toBe("https://cdn.example/i.png");
    expect(safeUrl("?page=2", base)).toBe("https://shop.example/products/mug?page=2");
  });

  it("refuses every other scheme, however it is spelled", () => {
    for (const url of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      " javascript:alert(1)",
      "java\tscript:alert(1)",
      "java\nscript:alert(1)",
      "\u0000javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "blob:https://shop.example/uuid",
      "mailto:a@example.com",
      "ftp://shop.example/",
    ]) {
      expect(safeUrl(url, base), url).toBeNull();
    }
  });

  it("refuses what is not a URL or not a string", () => {
    expect(safeUrl("", base)).toBeNull();
    expect(safeUrl("http://", base)).toBeNull();
    expect(safeUrl("https://exa mple.com", base)).toBeNull();
    expect(safeUrl(undefined, base)).toBeNull();
    expect(safeUrl(null, base)).toBeNull();
    expect(safeUrl(42, base)).toBeNull();
    expect(safeUrl({ toString: () => "https://shop.example/" }, base)).toBeNull();
  });

  it("refuses a relative URL under a base that is not http(s)", () => {
    expect(safeUrl("/cart", "about:blank")).toBeNull();
  });
});

describe("globMatch", () => {
  it("without a star the value must equal the pattern", () => {
    expect(globMatch("https://shop.example/cart", "https://shop.example/cart")).toBe(true);
    expect(globMatch("https://shop.example/cart?x", "https://shop.example/cart")).toBe(false);
    expect(globMatch("", "")).toBe(true);
  });

  it("a star stands for any run of characters, also an empty one", () => {
    expect(globMatch("https://shop.example/cart", "*/cart")).toBe(true);
    expect(globMatch("https://shop.example/cart", "*/cart*")).toBe(true);
    expect(globMatch("https://shop.example/cart?step=2", "*/cart*")).toBe(true);
    expect(globMatch("https://shop.example/products/mug", "https://shop.example/products/*")).toBe(true);
    expect(globMatch("https://shop.example/products/", "https://shop.example/products/*")).toBe(true);
    expect(globMatch("anything", "*")).toBe(true);
    expect(globMatch("", "*")).toBe(true);
    expect(globMatch("abc", "a**c")).toBe(true);
    expect(globMatch("https://a.example/x/y/z", "https://*/x/*/z")).toBe(true);
  });

  it("everything else is literal, regex characters included, and case-sensitive", () => {
    expect(globMatch("https://shop.example/cart", "https://shop.example/CART")).toBe(false);
    expect(globMatch("https://shopXexample/cart", "https://shop.example/*")).toBe(false);
    expect(globMatch("a+b", "a+b")).toBe(true);
    expect(globMatch("aab", "a+b")).toBe(false);
    expect(globMatch("x", ".")).toBe(false);
    expect(globMatch("(a)|[b]?", "(a)|[b]?")).toBe(true);
    expect(globMatch("ab", "a?")).toBe(false);
  });

  it("the whole value must match: prefix, suffix and middle parts in order, without overlap", () => {
    expect(globMatch("https://shop.example/cart", "*/checkout*")).toBe(false);
    expect(globMatch("ab", "ab*ab")).toBe(false);
    expect(globMatch("abab", "ab*ab")).toBe(true);
    expect(globMatch("aXbYc", "a*c*b")).toBe(false);
    expect(globMatch("aXbYcZb", "a*c*b")).toBe(true);
    expect(globMatch("abc", "*b*b*")).toBe(false);
    expect(globMatch("abcb", "*b*b*")).toBe(true);
  });

  it("agrees with a reference matcher on every short pattern and value over a small alphabet", () => {
    // Test-only reference: the pattern as a regular expression (the matcher itself never builds one).
    const reference = (pattern: string) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      );
    const words = (alphabet: string, max: number): string[] => {
      const out = [""];
      for (let i = 0; i < out.length; i++) {
        const word = out[i] as string;
        if (word.length < max) for (const c of alphabet) out.push(word + c);
      }
      return out;
    };
    const values = words("ab.", 5);
    const disagreements: string[] = [];
    for (const pattern of words("ab.*", 4)) {
      const expected = reference(pattern);
      for (const value of values) if (globMatch(value, pattern) !== expected.test(value)) disagreements.push(`${value} ~ ${pattern}`);
    }
    expect(disagreements).toEqual([]);
  });

  it("stays linear on adversarial input", () => {
    const value = "a".repeat(100_000);
    const started = Date.now();
    expect(globMatch(value, `${"*a".repeat(200)}*b`)).toBe(false);
    expect(globMatch(value, `*${"a*".repeat(200)}`)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
