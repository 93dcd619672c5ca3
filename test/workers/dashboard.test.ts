import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { script } from "../../snippets/dist/dashboard";
import { BASE } from "../helpers";

const EXPECTED_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function policyOf(response: Response): Map<string, string> {
  const policy = response.headers.get("content-security-policy") ?? "";
  return new Map(
    policy
      .split(";")
      .map((directive) => directive.trim())
      .filter(Boolean)
      .map((directive) => {
        const [name = "", ...values] = directive.split(/\s+/);
        return [name, values.join(" ")] as [string, string];
      }),
  );
}

function expectHardened(response: Response): void {
  for (const [name, value] of Object.entries(EXPECTED_HEADERS)) expect(response.headers.get(name), name).toBe(value);
  const policy = policyOf(response);
  expect(policy.get("default-src")).toBe("'self'");
  expect(policy.get("script-src")).toBe("'self'");
  expect(policy.get("style-src")).toBe("'self' 'unsafe-inline'");
  expect(policy.get("img-src")).toBe("'self' data:");
  expect(policy.get("connect-src")).toBe("'self'");
  expect(policy.get("frame-ancestors")).toBe("'none'");
}

describe("GET /dashboard", () => {
  it("serves a static HTML shell that loads the dashboard script from its own origin", async () => {
    const response = await SELF.fetch(`${BASE}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<script src="/dashboard.js"></script>');
    // No inline script: the policy would refuse it, and the page carries no data.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(".uplot");
  });

  it("is served with a strict content security policy, nosniff, no referrer and no caching", async () => {
    expectHardened(await SELF.fetch(`${BASE}/dashboard`));
  });

  it("contains no secret: no key, token or shop data", async () => {
    const html = await (await SELF.fetch(`${BASE}/dashboard`)).text();
    expect(html).not.toMatch(/sk_|pk_|admin|bearer|shop_/i);
    expect(html).not.toContain("test_admin_token");
    expect(html).not.toContain("test_decision_secret");
  });

  it("sets no cookie", async () => {
    expect((await SELF.fetch(`${BASE}/dashboard`)).headers.get("set-cookie")).toBeNull();
  });
});

describe("GET /dashboard.js", () => {
  it("serves the built dashboard bundle as JavaScript with the same hardening headers", async () => {
    const response = await SELF.fetch(`${BASE}/dashboard.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(await response.text()).toBe(script);
    expectHardened(response);
  });

  it("never writes HTML from strings: no innerHTML, outerHTML, insertAdjacentHTML or document.write", async () => {
    const code = await (await SELF.fetch(`${BASE}/dashboard.js`)).text();
    expect(code.length).toBeGreaterThan(10_000);
    for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"]) expect(code, sink).not.toContain(sink);
  });
});
