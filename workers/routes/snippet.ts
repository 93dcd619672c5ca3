import { Hono } from "hono";
import code from "../../snippets/dist/bundle";
import { sha256Hex } from "../crypto";
import type { AppEnv } from "../types";

/**
 * The shop's tag names `/nudge.js` without a version, so the script cannot be cached for long:
 * 5 minutes of freshness lets a shop's visitors pick up a new snippet within minutes of a deploy,
 * and stale-while-revalidate lets a browser run its cached copy at once while it refreshes in the
 * background (for up to a day), so no page waits on that check; the ETag makes the check a 304.
 */
const CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400";

/** The code is fixed for the life of the isolate, so its hash is computed once, on first use. */
let etag: Promise<string> | undefined;
function etagOf(): Promise<string> {
  etag ??= sha256Hex(code).then((hex) => `"${hex}"`);
  return etag;
}

/** `If-None-Match` compares weakly: `*`, or any listed tag equal to ours with or without `W/`. */
function matches(ifNoneMatch: string, tag: string): boolean {
  return ifNoneMatch.split(",").some((entry) => {
    const candidate = entry.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === tag;
  });
}

/**
 * `GET /nudge.js` (and HEAD): the built browser snippet. No key, no cookie, no storage: the same
 * bytes for every shop (the tag's `data-site` names the shop). A shop's page loads it from
 * another origin, so it is marked for cross-origin use; nosniff keeps it from running as anything
 * but the JavaScript it is.
 */
export const snippet = new Hono<AppEnv>().get("/", async (c) => {
  const tag = await etagOf();
  const headers = {
    ETag: tag,
    "Cache-Control": CACHE_CONTROL,
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "cross-origin",
    // Lets a page load it with `crossorigin` (for Subresource Integrity); it is public.
    "Access-Control-Allow-Origin": "*",
  };
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && matches(ifNoneMatch, tag)) return c.body(null, 304, headers);
  return c.body(code, 200, { ...headers, "Content-Type": "application/javascript; charset=utf-8" });
});
