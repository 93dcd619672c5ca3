import { z } from "zod";
import { isValidAnonymousId, normalizeEmail, isValidEmail, normalizePhone, MAX_IDENTIFIER_LENGTH } from "./identifiers";

/** Event types of the tracking contract (SPEC §3). Any other snake_case name is a custom event. */
export const KNOWN_EVENT_TYPES = [
  "page_view",
  "view_item",
  "view_item_list",
  "select_item",
  "search",
  "add_to_cart",
  "remove_from_cart",
  "view_cart",
  "begin_checkout",
  "purchase",
  "refund",
  "identify",
  "subscribe",
  "unsubscribe",
  "consent",
  "nudge_impression",
  "nudge_click",
  "nudge_dismiss",
] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

const text = (max: number) => z.string().max(max);
const money = z.number().min(-1e12).max(1e12);

export const anonymousIdSchema = z
  .string()
  .refine(isValidAnonymousId, "must be 1-128 characters of letters, digits and ._:- and not null/undefined");

export const emailSchema = z
  .string()
  .max(MAX_IDENTIFIER_LENGTH)
  .transform(normalizeEmail)
  .refine(isValidEmail, "must be an email address");

export const phoneSchema = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const phone = normalizePhone(value);
    if (!phone) {
      ctx.addIssue({ code: "custom", message: "must be a phone number in international format (E.164)" });
      return z.NEVER;
    }
    return phone;
  });

export const customerIdSchema = z
  .union([z.string(), z.number().int()])
  .transform((value) => String(value).trim())
  .refine((value) => value.length > 0 && value.length <= MAX_IDENTIFIER_LENGTH, "must be 1-256 characters");

const itemSchema = z.object({
  item_id: z
    .union([z.string(), z.number()])
    .transform((value) => String(value))
    .refine((value) => value.length > 0 && value.length <= 256, "must be 1-256 characters"),
  item_name: text(512).optional(),
  price: money.min(0).optional(),
  quantity: z.number().int().min(0).max(100_000).optional(),
  item_category: text(256).optional(),
  item_brand: text(256).optional(),
  item_variant: text(256).optional(),
  url: text(2048).optional(),
  image_url: text(2048).optional(),
});

const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 code")
  .transform((value) => value.toUpperCase());

const jsonValue: z.ZodType<unknown> = z.json();
const scalar = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]);

const traitKey = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const traitsSchema = z
  .object({
    email: emailSchema.optional(),
    customer_id: customerIdSchema.optional(),
    phone: phoneSchema.optional(),
  })
  .catchall(scalar)
  .superRefine((traits, ctx) => {
    const keys = Object.keys(traits);
    if (keys.length > 50) ctx.addIssue({ code: "custom", message: "at most 50 traits" });
    for (const key of keys) {
      if (!traitKey.test(key)) ctx.addIssue({ code: "custom", message: "trait names are letters, digits and _", path: [key] });
    }
  });

const propertiesSchema = z.record(z.string().regex(traitKey, "property names are letters, digits and _"), jsonValue).refine(
  (properties) => Object.keys(properties).length <= 50,
  "at most 50 properties",
);

/** Fields every event may carry. */
const base = {
  type: z.string(),
  id: z.string().min(1).max(128).optional(),
  ts: z.iso.datetime({ offset: true }).optional(),
};

/** Identifiers a server-side event may carry to name its person. */
export const serverIdentifierFields = {
  anonymous_id: anonymousIdSchema.optional(),
  customer_id: customerIdSchema.optional(),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
};

const items = z.array(itemSchema).max(200);
const cartFields = { items: items.optional(), value: money.optional(), currency: currencySchema.optional() };

const schemas: Record<KnownEventType, z.ZodRawShape> = {
  page_view: {
    page: z.object({ url: text(2048).optional(), title: text(512).optional(), referrer: text(2048).optional() }).optional(),
  },
  view_item: { items, value: money.optional(), currency: currencySchema.optional() },
  view_item_list: { items, item_list_name: text(256).optional() },
  select_item: { items },
  search: { search_term: text(256) },
  add_to_cart: { ...cartFields, items },
  remove_from_cart: { ...cartFields, items },
  view_cart: cartFields,
  begin_checkout: cartFields,
  purchase: {
    transaction_id: text(256).min(1),
    value: money.min(0),
    currency: currencySchema.optional(),
    items: items.optional(),
    tax: money.optional(),
    shipping: money.optional(),
    coupon: text(256).optional(),
  },
  refund: { transaction_id: text(256).min(1), value: money.min(0).optional(), currency: currencySchema.optional(), items: items.optional() },
  identify: { traits: traitsSchema },
  subscribe: { channel: z.enum(["email", "sms"]) },
  unsubscribe: { channel: z.enum(["email", "sms"]) },
  consent: {
    consent: z
      .strictObject({ analytics: z.boolean().optional(), personalization: z.boolean().optional(), marketing: z.boolean().optional() })
      .refine((consent) => Object.keys(consent).length > 0, "names at least one purpose"),
  },
  nudge_impression: { campaign_id: text(128).min(1), variant_id: text(128).min(1), token: text(1024).min(1) },
  nudge_click: { campaign_id: text(128).min(1), variant_id: text(128).min(1), token: text(1024).min(1) },
  nudge_dismiss: { campaign_id: text(128).min(1), variant_id: text(128).min(1), token: text(1024).min(1) },
};

const customShape: z.ZodRawShape = { properties: propertiesSchema.optional() };

function isKnownType(type: string): type is KnownEventType {
  return (KNOWN_EVENT_TYPES as readonly string[]).includes(type);
}

const cache = new Map<string, z.ZodType>();
/** The schema of one event type for a batch source; null for a name that is not an event type. */
export function eventSchemaFor(type: string, source: "browser" | "server"): z.ZodType | null {
  if (!EVENT_TYPE_PATTERN.test(type)) return null;
  if (!isKnownType(type) && type.startsWith("nudge_")) return null;
  const key = `${source}:${type}`;
  let schema = cache.get(key);
  if (!schema) {
    const shape = isKnownType(type) ? schemas[type] : customShape;
    schema = z.object({ ...base, ...shape, ...(source === "server" ? serverIdentifierFields : {}) });
    cache.set(key, schema);
  }
  return schema;
}
