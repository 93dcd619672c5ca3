import { z } from "zod";
import { isValidAnonymousId, normalizeEmail, isValidEmail, normalizePhone, MAX_IDENTIFIER_LENGTH } from "./identifiers";

/** Event types of the tracking contract. Any other snake_case name is a custom event. */
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

export const emailSchema = z.string().max(MAX_IDENTIFIER_LENGTH).transform(normalizeEmail).refine(isValidEmail, "must be an email address");

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

/** The proof a browser identify carries, the lowercase hex HMAC-SHA256 of its strongest identifier. */
export const userHashSchema = z
  .string()
  .regex(/^[0-9A-Fa-f]{64}$/, "must be 64 hex characters (an HMAC-SHA256)")
  .transform((value) => value.toLowerCase());

const traitKey = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const traitsSchema = z
  .object({
    email: emailSchema.optional(),
    customer_id: customerIdSchema.optional(),
    phone: phoneSchema.optional(),
    // Validated here only to be lifted to the event's top level: a proof is never a trait.
    user_hash: userHashSchema.optional(),
  })
  .catchall(scalar)
  .superRefine((traits, ctx) => {
    const keys = Object.keys(traits);
    if (keys.length > 50) ctx.addIssue({ code: "custom", message: "at most 50 traits" });
    for (const key of keys) {
      if (!traitKey.test(key)) ctx.addIssue({ code: "custom", message: "trait names are letters, digits and _", path: [key] });
    }
  });

const propertiesSchema = z
  .record(z.string().regex(traitKey, "property names are letters, digits and _"), jsonValue)
  .refine((properties) => Object.keys(properties).length <= 50, "at most 50 properties");

/** Fields every event may carry. */
const base = {
  type: z.string(),
  id: z.string().min(1).max(128).optional(),
  ts: z.iso.datetime({ offset: true }).optional(),
};

/** Identifiers of a person an event may carry besides its device's anonymous id. */
const personIdentifierFields = {
  customer_id: customerIdSchema.optional(),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
};

/** Identifiers a server-side event may carry to name its person. */
export const serverIdentifierFields = { anonymous_id: anonymousIdSchema.optional(), ...personIdentifierFields };

/** A browser event names no person of its own: refused rather than dropped, so no id is lost unnoticed. */
const refusedOnBrowserEvents = z
  .never({ error: "browser events name their person by the batch's anonymous_id; send email, customer_id or phone in an identify" })
  .optional();
const browserIdentifierFields = { customer_id: refusedOnBrowserEvents, email: refusedOnBrowserEvents, phone: refusedOnBrowserEvents };

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
  refund: {
    transaction_id: text(256).min(1),
    value: money.min(0).optional(),
    currency: currencySchema.optional(),
    items: items.optional(),
  },
  identify: { traits: traitsSchema, user_hash: userHashSchema.optional() },
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

type Source = "browser" | "server";
type IdentifyFields = Record<string, unknown> & { traits?: Record<string, unknown>; user_hash?: string };

/** A `traits.user_hash` (what the page API's `nudge('identify', traits)` sends) moves to the top level. */
function liftUserHash<T extends IdentifyFields>(event: T, ctx: z.RefinementCtx): T {
  if (event.traits?.user_hash === undefined) return event;
  const { user_hash: fromTraits, ...traits } = event.traits;
  if (event.user_hash !== undefined && event.user_hash !== fromTraits) {
    ctx.addIssue({ code: "custom", message: "differs from traits.user_hash", path: ["user_hash"] });
    return z.NEVER;
  }
  return { ...event, traits, user_hash: fromTraits };
}

/** A browser identify may name its identifiers at the top level too; they are traits like the others. */
function liftIdentifiersIntoTraits<T extends IdentifyFields>(event: T, ctx: z.RefinementCtx): Omit<T, keyof typeof personIdentifierFields> {
  const { customer_id, email, phone, ...rest } = event;
  const traits: Record<string, unknown> = { ...event.traits };
  for (const [kind, value] of Object.entries({ customer_id, email, phone })) {
    if (value === undefined) continue;
    if (traits[kind] !== undefined && traits[kind] !== value) {
      ctx.addIssue({ code: "custom", message: `differs from traits.${kind}`, path: [kind] });
      return z.NEVER;
    }
    traits[kind] = value;
  }
  return { ...rest, traits };
}

function identifySchema(source: Source): z.ZodType {
  if (source === "server") return z.object({ ...base, ...schemas.identify, ...serverIdentifierFields }).transform(liftUserHash);
  // Traits are optional here: a browser identify may name its person at the top level only.
  return z
    .object({ ...base, ...schemas.identify, traits: traitsSchema.optional(), ...personIdentifierFields })
    .transform(liftUserHash)
    .transform(liftIdentifiersIntoTraits);
}

function buildEventSchema(type: string, source: Source): z.ZodType {
  if (type === "identify") return identifySchema(source);
  const shape = isKnownType(type) ? schemas[type] : customShape;
  return z.object({ ...base, ...shape, ...(source === "server" ? serverIdentifierFields : browserIdentifierFields) });
}

const cache = new Map<string, z.ZodType>();
/** The schema of one event type for a batch source; null for a name that is not an event type. */
export function eventSchemaFor(type: string, source: Source): z.ZodType | null {
  if (!EVENT_TYPE_PATTERN.test(type)) return null;
  if (!isKnownType(type) && type.startsWith("nudge_")) return null;
  const key = `${source}:${type}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = buildEventSchema(type, source);
    cache.set(key, schema);
  }
  return schema;
}
