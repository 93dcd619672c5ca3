import { z } from "zod";
import { isValidOriginPattern } from "../../core/origins";
import { validateRule } from "../../core/rules";
import { ruleMessage, rulePath } from "./rule";
import type { SegmentRules } from "../../core/segments";

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = z.string().max(64).refine(isValidTimezone, "must be an IANA time zone such as Europe/Berlin");
export const allowedOriginsSchema = z
  .array(
    z
      .string()
      .max(256)
      .refine(isValidOriginPattern, "must be an origin such as https://shop.example, https://*.shop.example or http://localhost:*"),
  )
  .max(50);
export const consentModeSchema = z.enum(["required", "implied"]);
/** Where the shop's people's objects live: "eu" keeps them in the EU jurisdiction. */
export const dataRegionSchema = z.enum(["default", "eu"]);
/** Whether a browser identify must prove an existing person with a user_hash. */
const identityVerificationSchema = z.enum(["required", "off"]);

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");
export const httpUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "must be an http(s) URL");

const ADDRESS = /[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+/.source;
/** `shop@example.com` or `Shop <shop@example.com>`, as email providers take a sender. */
const mailbox = z
  .string()
  .max(320)
  .regex(new RegExp(`^(${ADDRESS}|[^<>\r\n]{1,100} <${ADDRESS}>)$`), 'must be an address or "Name <address>"');

const webhookChannelSchema = z.strictObject({ url: httpUrlSchema, secret: z.string().min(1).max(256) });
export type WebhookChannelSettings = z.infer<typeof webhookChannelSchema>;

const emailChannelSchema = z.strictObject({
  provider: z.literal("resend"),
  api_key: z.string().min(1).max(256),
  from: mailbox,
  reply_to: mailbox.optional(),
  /** For tests and proxies; https://api.resend.com when absent. */
  base_url: httpUrlSchema.optional(),
});
export type EmailChannelSettings = z.infer<typeof emailChannelSchema>;

const smsChannelSchema = z.strictObject({
  provider: z.literal("twilio"),
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be AC and 32 hexadecimal digits"),
  auth_token: z.string().min(1).max(256),
  from: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "must be an E.164 phone number (+4915…) or a Messaging Service SID (MG…)"),
  /** For tests and proxies; https://api.twilio.com when absent. */
  base_url: httpUrlSchema.optional(),
});
export type SmsChannelSettings = z.infer<typeof smsChannelSchema>;

const BUILT_IN_SEGMENTS = ["vip", "lapsed", "new_customer", "repeat_customer", "cart_abandoner", "browse_abandoner", "subscriber"];

/** A shop's own segments: snake_case names, each an audience rule (validated like a campaign's). */
export const segmentRulesSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "segment names are snake_case"), z.unknown())
  .superRefine((segments, ctx) => {
    const names = Object.keys(segments);
    if (names.length > 50) ctx.addIssue({ code: "custom", message: "at most 50 segments" });
    for (const name of names) {
      if (BUILT_IN_SEGMENTS.includes(name)) ctx.addIssue({ code: "custom", message: `"${name}" is a built-in segment`, path: [name] });
      const problem = validateRule(segments[name], "");
      if (problem) ctx.addIssue({ code: "custom", message: ruleMessage(problem.message), path: [name, ...rulePath(problem.field)] });
    }
  })
  .transform((segments) => segments as SegmentRules);

/** The full settings of a shop as `GET /v1/settings` shows them. */
export const settingsSchema = z.strictObject({
  name: z.string().min(1).max(200),
  timezone: timezoneSchema,
  allowed_origins: allowedOriginsSchema,
  consent_mode: consentModeSchema,
  data_region: dataRegionSchema,
  identity_verification: identityVerificationSchema,
  segments: segmentRulesSchema,
  smart_sending_hours: z.number().min(0).max(168),
  /** The shop's own rate for browser and server batches, per edge isolate (see README). */
  rate_limit: z.strictObject({ per_second: z.number().min(1).max(100_000), burst: z.number().int().min(1).max(1_000_000) }),
  quiet_hours: z.strictObject({ start: clock, end: clock }).nullable(),
  /** How long a click, and an impression or open, may credit an order (days). */
  attribution: z.strictObject({ click_days: z.number().int().min(0).max(90), view_days: z.number().int().min(0).max(90) }),
  channels: z.strictObject({
    webhook: webhookChannelSchema.nullable(),
    email: emailChannelSchema.nullable(),
    sms: smsChannelSchema.nullable(),
  }),
});
export type ShopSettings = z.infer<typeof settingsSchema>;
type ChannelSettings = ShopSettings["channels"];

/**
 * The URLs of the channels that the Worker calls, by field: each must stay off private addresses
 * (checked where settings change, with the deployment's ALLOW_PRIVATE_WEBHOOKS).
 */
export function outboundUrls(channels: ChannelSettings): { field: string; url: string }[] {
  const urls = [
    { field: "channels.webhook.url", url: channels.webhook?.url },
    { field: "channels.email.base_url", url: channels.email?.base_url },
    { field: "channels.sms.base_url", url: channels.sms?.base_url },
  ];
  return urls.filter((entry): entry is { field: string; url: string } => entry.url !== undefined);
}

export const DEFAULT_SETTINGS: Omit<ShopSettings, "name"> = {
  timezone: "UTC",
  allowed_origins: [],
  consent_mode: "required",
  data_region: "default",
  identity_verification: "required",
  segments: {},
  smart_sending_hours: 16,
  rate_limit: { per_second: 1000, burst: 2000 },
  quiet_hours: { start: "21:00", end: "08:00" },
  attribution: { click_days: 7, view_days: 1 },
  channels: { webhook: null, email: null, sms: null },
};

export const createShopSchema = z.strictObject({
  name: z.string().min(1).max(200),
  timezone: timezoneSchema.optional(),
  allowed_origins: allowedOriginsSchema.optional(),
  consent_mode: consentModeSchema.optional(),
  data_region: dataRegionSchema.optional(),
});
