/**
 * A flow step's message, rendered for one person at send time: the template filled from the live
 * profile, the items it lists, its discount code, and the email (HTML and text) and SMS bodies with
 * tracked links. Pure: the tracked links (signed tokens) are made by the caller and passed in.
 */
import type { Item, ProfileState } from "../types";
import { confirmedAddress } from "./opt-in";
import { fillTemplate, type TemplateVariable } from "./template";
import type { FlowStep, SendOrder } from "./types";

export interface MessageContent {
  subject?: string;
  body: string;
  items?: Item[];
  code?: string;
  cta?: { label: string; url: string };
}

export interface RenderInput {
  order: SendOrder;
  step: FlowStep;
  state: ProfileState;
  shopName: string;
}

export interface TrackedLinks {
  open: string;
  unsubscribe: string;
  /** The tracked URL of the main link (the first of `contentUrls`), or "" when the message has none. */
  click: string;
  /** Raw URL → its tracked URL. */
  tracked: Record<string, string>;
}

const MAX_ITEMS = 6;
/** No 0/O or 1/I: codes are typed in by hand at checkout. */
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 8;

function isWebUrl(value: string | undefined): value is string {
  if (value === undefined || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}

/** Only what a message shows of an item, and only links that are http(s). */
function messageItem(item: Pick<Item, "item_id" | "item_name" | "price" | "url" | "image_url">): Item {
  const kept: Item = { item_id: item.item_id };
  if (item.item_name !== undefined) kept.item_name = item.item_name;
  if (item.price !== undefined) kept.price = item.price;
  if (isWebUrl(item.url)) kept.url = item.url;
  if (isWebUrl(item.image_url)) kept.image_url = item.image_url;
  return kept;
}

function viewedItems(state: ProfileState): Item[] {
  const newestFirst = [...state.views.recent].sort((a, b) => b.at - a.at);
  return newestFirst.filter((item, index) => newestFirst.findIndex((other) => other.item_id === item.item_id) === index);
}

/**
 * The person's state keeps quantities per item bought, not each order's lines: the items bought,
 * described from what the person viewed or has in the cart when that is known.
 */
function orderedItems(state: ProfileState): Item[] {
  const known = [...state.cart.items, ...viewedItems(state)];
  return Object.entries(state.orders.items)
    .filter(([, quantity]) => quantity > 0)
    .map(([itemId]) => known.find((item) => item.item_id === itemId) ?? { item_id: itemId });
}

function itemsFor(source: FlowStep["template"]["items"], state: ProfileState): Item[] | undefined {
  if (!source) return undefined;
  const items = source === "cart" ? state.cart.items : source === "viewed" ? viewedItems(state) : orderedItems(state);
  return items.slice(0, MAX_ITEMS).map(messageItem);
}

/** 40 bits of a 64-bit FNV-1a of the message id: the same code on every retry, different across messages. */
function uniqueCodeOf(messageId: string): string {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < messageId.length; index++) {
    const char = messageId.charCodeAt(index);
    high = Math.imul(high ^ char, 0x01000193) >>> 0;
    low = Math.imul(low ^ char ^ (high >>> 11), 0x01000193) >>> 0;
  }
  let code = "";
  for (let index = 0; index < CODE_LENGTH; index++) {
    const word = index < 4 ? high : low;
    code += CODE_ALPHABET[(word >>> ((index % 4) * 5)) & 31];
  }
  return code;
}

function codeFor(code: FlowStep["template"]["code"], messageId: string): string | undefined {
  if (!code) return undefined;
  return typeof code === "string" ? code : `${code.prefix}${uniqueCodeOf(messageId)}`;
}

const traitText = (state: ProfileState, name: string) => {
  const value = state.traits[name];
  return typeof value === "string" ? value : undefined;
};

function templateValues(input: RenderInput, code: string | undefined): Partial<Record<TemplateVariable, string>> {
  const { state } = input;
  const count = state.cart.items.reduce((total, item) => total + (item.quantity ?? 1), 0);
  const values: Partial<Record<TemplateVariable, string>> = {
    shop_name: input.shopName,
    cart_value: state.cart.value.toFixed(2),
    cart_currency: state.cart.currency ?? "",
    cart_count: String(count),
  };
  const firstName = traitText(state, "first_name");
  const lastName = traitText(state, "last_name");
  if (firstName !== undefined) values.first_name = firstName;
  if (lastName !== undefined) values.last_name = lastName;
  const email = state.identifiers.email ?? confirmedAddress(state, "email");
  if (email !== undefined) values.email = email;
  if (code !== undefined) values.code = code;
  return values;
}

/** The message's content for this person now: placeholders filled, items, code and main link. */
export function renderContent(input: RenderInput): MessageContent {
  const { template } = input.step;
  const code = codeFor(template.code, input.order.message_id);
  const values = templateValues(input, code);
  const content: MessageContent = { body: fillTemplate(template.body, values) };
  // A subject is one header line: a line break from a profile's value must not start another header.
  if (input.step.channel === "email" && template.subject)
    content.subject = fillTemplate(template.subject, values).replace(/[\r\n\t]+/g, " ");
  const items = itemsFor(template.items, input.state);
  if (items && items.length > 0) content.items = items;
  if (code !== undefined) content.code = code;
  if (template.cta && isWebUrl(template.cta.url)) content.cta = { label: template.cta.label, url: template.cta.url };
  return content;
}

/**
 * The double opt-in confirmation (core/flows/opt-in.ts): its one link is the confirm URL itself,
 * not a tracked click, since following it is what confirms.
 */
export function renderOptIn(shopName: string, confirmUrl: string): MessageContent {
  // The subject is one header line: a line break in the shop's name must not start another header.
  const shop = shopName.replace(/[\r\n\t]+/g, " ");
  return {
    subject: `Please confirm your subscription to ${shop}`,
    body: `Please confirm that you want to receive emails from ${shop}.\n\nIf you did not sign up, ignore this message: you will not hear from us again.`,
    cta: { label: "Confirm", url: confirmUrl },
  };
}

/** Every http(s) link of the content, deduplicated; the first is the main link (the CTA, else the first item's). */
export function contentUrls(content: MessageContent): string[] {
  const urls = [content.cta?.url, ...(content.items ?? []).map((item) => item.url)];
  return [...new Set(urls.filter(isWebUrl))];
}

/** The content with each link replaced by its tracked URL (what the webhook receives). */
export function trackContent(content: MessageContent, links: TrackedLinks): MessageContent {
  const tracked = (url: string) => links.tracked[url] ?? url;
  const result: MessageContent = { ...content };
  if (content.cta) result.cta = { ...content.cta, url: tracked(content.cta.url) };
  if (content.items) result.items = content.items.map((item) => (item.url === undefined ? item : { ...item, url: tracked(item.url) }));
  return result;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Blank lines separate paragraphs, single line breaks stay line breaks. */
function htmlParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== "")
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

const priceText = (price: number | undefined) => (price === undefined ? "" : price.toFixed(2));

function htmlItem(item: Item, links: TrackedLinks): string {
  const name = escapeHtml(item.item_name ?? item.item_id);
  const href = item.url === undefined ? undefined : escapeHtml(links.tracked[item.url] ?? item.url);
  const image = item.image_url === undefined ? "" : `<img src="${escapeHtml(item.image_url)}" alt="${name}" width="120"><br>`;
  const label = href === undefined ? name : `<a href="${href}">${name}</a>`;
  const price = item.price === undefined ? "" : ` <span>${priceText(item.price)}</span>`;
  return `<td style="padding:8px;vertical-align:top">${image}${label}${price}</td>`;
}

/** The email's HTML and plain-text bodies: every value escaped, links tracked, an unsubscribe link and the open pixel. */
export function emailBodies(content: MessageContent, links: TrackedLinks): { html: string; text: string } {
  const html = [
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(content.subject ?? "")}</title></head>`,
    `<body style="font-family:sans-serif;line-height:1.5;color:#222">`,
    htmlParagraphs(content.body),
  ];
  const text = [content.body.trim()];
  if (content.items) {
    html.push(`<table role="presentation"><tr>${content.items.map((item) => htmlItem(item, links)).join("")}</tr></table>`);
    const lines = content.items.map((item) => {
      const price = item.price === undefined ? "" : ` (${priceText(item.price)})`;
      const url = item.url === undefined ? "" : `: ${links.tracked[item.url] ?? item.url}`;
      return `- ${item.item_name ?? item.item_id}${price}${url}`;
    });
    text.push(lines.join("\n"));
  }
  if (content.code) {
    html.push(`<p>Your code: <strong style="font-size:1.2em;letter-spacing:1px">${escapeHtml(content.code)}</strong></p>`);
    text.push(`Your code: ${content.code}`);
  }
  if (content.cta) {
    const href = links.tracked[content.cta.url] ?? content.cta.url;
    html.push(
      `<p><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 20px;background:#222;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(content.cta.label)}</a></p>`,
    );
    text.push(`${content.cta.label}: ${href}`);
  }
  html.push(
    `<p style="font-size:12px;color:#777"><a href="${escapeHtml(links.unsubscribe)}" style="color:#777">Unsubscribe</a></p>`,
    `<img src="${escapeHtml(links.open)}" width="1" height="1" alt="">`,
    "</body></html>",
  );
  text.push(`Unsubscribe: ${links.unsubscribe}`);
  return { html: html.join("\n"), text: text.join("\n\n") };
}

/** The SMS: its body, the code unless the body already names it, the main link and how to stop. */
export function smsText(content: MessageContent, links: TrackedLinks): string {
  const parts = [content.body.trim()];
  if (content.code && !content.body.includes(content.code)) parts.push(`Code: ${content.code}`);
  if (links.click !== "") parts.push(links.click);
  parts.push(`Stop: ${links.unsubscribe}`);
  return parts.join("\n");
}
