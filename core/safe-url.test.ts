import { describe, expect, it } from "vitest";
import { isSafeUrl } from "./safe-url";

describe("links and images in campaign content", () => {
  it.each([
    ["https://shop.example/cart", true],
    ["http://shop.example/", true],
    ["/cart?x=1", true],
    ["cart", true],
    ["//cdn.example/img.png", true],
    ["HTTPS://SHOP.EXAMPLE", true],
    ["javascript:alert(1)", false],
    ["JavaScript:alert(1)", false],
    [" javascript:alert(1)", false],
    ["java\tscript:alert(1)", false],
    ["java\nscript:alert(1)", false],
    ["data:text/html,<script>alert(1)</script>", false],
    ["vbscript:msgbox", false],
    ["mailto:a@example.com", false],
    ["", false],
  ])("%j is safe: %s", (url, safe) => {
    expect(isSafeUrl(url)).toBe(safe);
  });
});
