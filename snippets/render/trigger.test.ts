import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { arm, scrolledPct } from "./trigger";

/** A window as far as triggers look at it: events, timers, its address and its scroll position. */
function fakeWindow(href = "https://shop.example/products/mug", page = { height: 3000, viewport: 1000 }) {
  const document = Object.assign(new EventTarget(), { documentElement: { scrollHeight: page.height }, hidden: false });
  const win = Object.assign(new EventTarget(), {
    document,
    location: { href },
    innerHeight: page.viewport,
    scrollY: 0,
    setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
    clearTimeout: (id: ReturnType<typeof setTimeout>) => clearTimeout(id),
  });
  const scrollTo = (y: number) => {
    win.scrollY = y;
    win.dispatchEvent(new Event("scroll"));
  };
  const leave = (clientY: number, relatedTarget: unknown = null) => {
    const e = Object.assign(new Event("mouseout"), { clientY, relatedTarget });
    document.dispatchEvent(e);
  };
  const setHidden = (hidden: boolean) => {
    document.hidden = hidden;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  return { win: win as unknown as Window, scrollTo, leave, setHidden };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("scrolledPct", () => {
  it("is how far the page is scrolled; a page that cannot scroll is fully scrolled", () => {
    const { win, scrollTo } = fakeWindow();
    expect(scrolledPct(win)).toBe(0);
    scrollTo(1000);
    expect(scrolledPct(win)).toBe(50);
    scrollTo(2000);
    expect(scrolledPct(win)).toBe(100);
    expect(scrolledPct(fakeWindow(undefined, { height: 800, viewport: 1000 }).win)).toBe(100);
  });
});

describe("arm", () => {
  it("without a trigger fires at once", () => {
    const fire = vi.fn();
    arm(fakeWindow().win, undefined, fire);
    expect(fire).toHaveBeenCalledTimes(1);
    arm(fakeWindow().win, { delay_ms: 0, scroll_pct: null, exit_intent: false, url_matches: null }, fire);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it("waits delay_ms", () => {
    const fire = vi.fn();
    arm(fakeWindow().win, { delay_ms: 5000 }, fire);
    vi.advanceTimersByTime(4999);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("waits until the page is scrolled scroll_pct far, once", () => {
    const fire = vi.fn();
    const { win, scrollTo } = fakeWindow();
    arm(win, { scroll_pct: 50 }, fire);
    scrollTo(400);
    expect(fire).not.toHaveBeenCalled();
    scrollTo(1000);
    scrollTo(1500);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("fires at once when the page is already scrolled far enough", () => {
    const fire = vi.fn();
    const { win, scrollTo } = fakeWindow();
    scrollTo(2000);
    arm(win, { scroll_pct: 80 }, fire);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("exit intent: the mouse leaving the window through the top, not into another element", () => {
    const fire = vi.fn();
    const { win, leave } = fakeWindow();
    arm(win, { exit_intent: true }, fire);
    leave(300);
    leave(-2, {});
    expect(fire).not.toHaveBeenCalled();
    leave(-2);
    leave(-5);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("url_matches: a glob against location.href; a page that does not match never shows it", () => {
    const fire = vi.fn();
    arm(fakeWindow("https://shop.example/cart?step=2").win, { url_matches: "*/cart*" }, fire);
    expect(fire).toHaveBeenCalledTimes(1);
    arm(fakeWindow("https://shop.example/products/mug").win, { url_matches: "*/cart*" }, fire);
    arm(fakeWindow("https://shop.example/cart").win, { url_matches: "https://shop.example/cart/" }, fire);
    arm(fakeWindow("https://shop.example/cart").win, { url_matches: ".*" }, fire);
    vi.runAllTimers();
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("every condition must be met: the delay first, then scroll and exit intent (an exit during the delay does not count)", () => {
    const fire = vi.fn();
    const { win, scrollTo, leave } = fakeWindow();
    arm(win, { delay_ms: 1000, scroll_pct: 50, exit_intent: true, url_matches: "https://shop.example/*" }, fire);
    scrollTo(2000);
    leave(-1);
    vi.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
    scrollTo(0);
    leave(-1);
    expect(fire).not.toHaveBeenCalled();
    scrollTo(1500);
    expect(fire).toHaveBeenCalledTimes(1);
    leave(-1);
    scrollTo(2000);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("the returned function cancels the wait: timers and listeners", () => {
    const fire = vi.fn();
    const a = fakeWindow();
    arm(a.win, { delay_ms: 1000 }, fire)();
    vi.advanceTimersByTime(2000);
    const b = fakeWindow();
    arm(b.win, { scroll_pct: 10 }, fire)();
    b.scrollTo(2000);
    const c = fakeWindow();
    arm(c.win, { exit_intent: true }, fire)();
    c.leave(-1);
    expect(fire).not.toHaveBeenCalled();
  });

  it("waits while the tab is in the background", () => {
    const fire = vi.fn();
    const { win, setHidden } = fakeWindow();
    setHidden(true);
    arm(win, { delay_ms: 1000 }, fire);
    vi.advanceTimersByTime(5000);
    expect(fire).not.toHaveBeenCalled();
    setHidden(false);
    expect(fire).toHaveBeenCalledTimes(1);
    setHidden(true);
    setHidden(false);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it("a pattern is never a regular expression", () => {
    const fire = vi.fn();
    arm(fakeWindow("https://shopXexample/").win, { url_matches: "https://shop.example/" }, fire);
    arm(fakeWindow("https://shop.example/(a|b)").win, { url_matches: "https://shop.example/(a|b)" }, fire);
    expect(fire).toHaveBeenCalledTimes(1);
  });
});
