import { describe, expect, it } from "vitest";
import { context } from "./context";

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
const ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const IPAD = "Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Safari/604.1";
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

describe("context", () => {
  it("carries the URL, path, referrer, device, locale, UTM parameters and session", () => {
    const href = "https://shop.example/mugs?utm_source=news&utm_medium=email&utm_campaign=summer&x=1";
    expect(context(href, "https://google.com/", DESKTOP, "de-DE", "s1")).toEqual({
      url: href,
      path: "/mugs",
      referrer: "https://google.com/",
      device: "desktop",
      locale: "de-DE",
      utm: { source: "news", medium: "email", campaign: "summer" },
      session_id: "s1",
    });
  });

  it("tells phones, tablets and desktops apart", () => {
    const device = (ua: string) => context("https://shop.example/", "", ua, "en").device;
    expect([PHONE, ANDROID_PHONE, ANDROID_TABLET, IPAD, DESKTOP].map(device)).toEqual(["mobile", "mobile", "tablet", "tablet", "desktop"]);
  });

  it("cuts strings to the API's limits", () => {
    const href = `https://shop.example/${"p".repeat(3000)}?utm_term=${"t".repeat(600)}`;
    const c = context(href, `https://ref.example/${"r".repeat(3000)}`, DESKTOP, "en");
    expect((c.url as string).length).toBe(2048);
    expect((c.path as string).length).toBe(2048);
    expect((c.referrer as string).length).toBe(2048);
    expect((c.utm as { term: string }).term.length).toBe(512);
  });
});
