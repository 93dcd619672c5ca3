import { tokenSecret } from "../crypto";
import { type Context, Hono } from "hono";
import { type MessageClaims, type MessageLinkKind, urlMatches, verifyMessageToken } from "../../core/message-token";
import type { ConfirmAddressResult, MessageInteractionResult } from "../../durable-objects/profile-rpc";
import { findShop } from "../db/shops";
import { ApiError } from "../errors";
import { withDatabase } from "../middleware/database";
import { follow, profilesOf } from "../routing";
import { queueReportCounts } from "../report-counters";
import type { AppEnv } from "../types";

/** Signed tokens stay well below this (core/message-token.ts); longer ones are refused before any crypto. */
const MAX_TOKEN_LENGTH = 1000;

/** 1×1 transparent GIF. */
const PIXEL = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (char) => char.charCodeAt(0));

/** Tracking links are personal: never cached, never indexed, and never passed on as a Referer. */
const PRIVATE_HEADERS = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" };
/** The unsubscribe pages run nothing and load nothing; their one form posts back to themselves. */
const PAGE_HEADERS = {
  ...PRIVATE_HEADERS,
  "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
};

const linkNotFound = () => new ApiError(404, "link_not_found", "This link is not valid, or no longer");
const messageNotFound = () => new ApiError(404, "message_not_found", "This link's message is not known (any more)");

/** The claims of the path's token when it is genuine, unexpired and of this kind; else a 404 that changes nothing. */
async function claimsOf(c: Context<AppEnv>, kind: MessageLinkKind, now: number): Promise<MessageClaims> {
  const token = c.req.param("token") ?? "";
  const claims = token.length <= MAX_TOKEN_LENGTH ? await verifyMessageToken(tokenSecret(c.env), token, now) : null;
  if (!claims || claims.kind !== kind) throw linkNotFound();
  return claims;
}

/** Tells the person's object (following a merge) what happened to the message. */
async function record(c: Context<AppEnv>, claims: MessageClaims, kind: "open" | "click" | "unsubscribe", at: number): Promise<void> {
  const shop = await findShop(c.var.db, claims.shop);
  if (!shop) throw linkNotFound();
  const { value } = await follow<MessageInteractionResult>(profilesOf(c.env, shop), claims.person, (stub) =>
    stub.messageInteraction({
      shopId: shop.id,
      messageId: claims.message,
      kind,
      channel: claims.channel,
      at,
      timezone: shop.settings.timezone,
    }),
  );
  if (!value.ok) throw messageNotFound();
  queueReportCounts(c.var.db, shop.id, value.counts ?? [], c.executionCtx);
}

/** Tells the person's object (following a merge) that the owner of the token's address confirmed it; 404 when it is not the address asked. */
async function confirm(c: Context<AppEnv>, claims: MessageClaims, at: number): Promise<void> {
  const shop = await findShop(c.var.db, claims.shop);
  const address = claims.address;
  if (!shop || address === undefined) throw linkNotFound();
  const { value } = await follow<ConfirmAddressResult>(profilesOf(c.env, shop), claims.person, (stub) =>
    stub.confirmAddress({ shopId: shop.id, address, at }),
  );
  if (!value.ok) throw linkNotFound();
}

function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}

function page(title: string, paragraphs: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><h1>${title}</h1>${paragraphs}</body></html>`;
}

/** Names the channel from the token's own closed set of values, never free text. */
const channelName = (claims: MessageClaims) => (claims.channel === "sms" ? "text messages" : "emails");

/**
 * `/m`: the links of sent messages (open pixel, click redirect, unsubscribe, double opt-in
 * confirmation). Each carries a signed token (core/message-token.ts); a forged, altered or
 * expired one answers 404 and changes nothing.
 */
export const messagesRoute = new Hono<AppEnv>()
  .use("*", withDatabase)
  .get("/o/:token", async (c) => {
    const now = Date.now();
    await record(c, await claimsOf(c, "open", now), "open", now);
    return c.body(PIXEL, 200, { ...PRIVATE_HEADERS, "Content-Type": "image/gif" });
  })
  .get("/c/:token", async (c) => {
    const now = Date.now();
    const claims = await claimsOf(c, "click", now);
    const target = c.req.query("u") ?? "";
    // Only to the very URL the message contained, and only to a web page: no open redirect.
    if (!isWebUrl(target) || !(await urlMatches(claims, target))) throw linkNotFound();
    await record(c, claims, "click", now);
    return c.body(null, 302, { ...PRIVATE_HEADERS, Location: target });
  })
  // Mail scanners and link previews fetch GET links on their own, so GET only asks: the button POSTs.
  .get("/u/:token", async (c) => {
    const claims = await claimsOf(c, "unsubscribe", Date.now());
    if (!(await findShop(c.var.db, claims.shop))) throw linkNotFound();
    const body = `<p>Press the button to stop receiving marketing ${channelName(claims)} from this shop.</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`;
    return c.html(page("Unsubscribe", body), 200, PAGE_HEADERS);
  })
  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click`; the body is not needed, so any is accepted.
  .post("/u/:token", async (c) => {
    const now = Date.now();
    const claims = await claimsOf(c, "unsubscribe", now);
    await record(c, claims, "unsubscribe", now);
    return c.html(
      page("Unsubscribed", `<p>You will receive no more marketing ${channelName(claims)} from this shop.</p>`),
      200,
      PAGE_HEADERS,
    );
  })
  // Like unsubscribing: a scanner's GET must not confirm anyone, so GET only asks and the button POSTs.
  .get("/confirm/:token", async (c) => {
    const claims = await claimsOf(c, "confirm", Date.now());
    if (!(await findShop(c.var.db, claims.shop))) throw linkNotFound();
    const body = `<p>Press the button to confirm that you want to receive emails from this shop.</p><form method="post"><button type="submit">Confirm</button></form>`;
    return c.html(page("Confirm your subscription", body), 200, PAGE_HEADERS);
  })
  .post("/confirm/:token", async (c) => {
    const now = Date.now();
    await confirm(c, await claimsOf(c, "confirm", now), now);
    return c.html(page("Subscription confirmed", "<p>Thank you: your email address is confirmed.</p>"), 200, PAGE_HEADERS);
  });
