import { z } from "zod";
import { PLACEMENT_PATTERN } from "./decide";
import { anonymousIdSchema, customerIdSchema, emailSchema, eventSchemaFor } from "./event-schema";
import { strongestIdentifier } from "./identifiers";
import { parseIsoMillis, resolveTimestamp } from "./timestamps";
import type { ConsentPurpose, Identifier, IdentifierKind, TrackedEvent } from "./types";
import { fail, fromZodError, hazardFailure, type Validated } from "./validation";

export interface BatchLimits {
  maxBytes: number;
  maxEvents: number;
  maxEventBytes: number;
}

/** The sendBeacon limit for browsers, larger batches for servers. */
export const BROWSER_LIMITS: BatchLimits = { maxBytes: 64 * 1024, maxEvents: 100, maxEventBytes: 32 * 1024 };
export const SERVER_LIMITS: BatchLimits = { maxBytes: 1024 * 1024, maxEvents: 1000, maxEventBytes: 32 * 1024 };
export const MAX_PLACEMENTS = 10;

export interface CollectBatch {
  site: string;
  anonymous_id: string;
  sent_at: number | null;
  consent: Partial<Record<ConsentPurpose, boolean>> | null;
  events: TrackedEvent[];
  placements: string[];
  context: Record<string, unknown>;
}

export interface ServerEvent {
  event: TrackedEvent;
  /** Every identifier the event carries (its own fields and an identify's traits), normalized. */
  identifiers: Identifier[];
  /** The identifier that names the person the event belongs to. */
  person: Identifier;
}

const encoder = new TextEncoder();

const consentSchema = z.strictObject({
  analytics: z.boolean().optional(),
  personalization: z.boolean().optional(),
  marketing: z.boolean().optional(),
});

const placementsSchema = z
  .array(z.string().regex(PLACEMENT_PATTERN, "must be top_banner, popup, nba or inline:<slot>"))
  .max(MAX_PLACEMENTS)
  .transform((placements) => [...new Set(placements)]);

/**
 * The request context audiences read (`context.url`, `context.utm.source`, …), bounded so that no
 * request makes rule evaluation costly: `url`, `referrer` and `path` at most 2,048 characters (the
 * URL length browsers, CDNs and analytics tools reliably carry), any other string at most 512, at
 * most 32 entries per object or list, values at most 3 levels deep, 8 KB serialized in all.
 */
export const CONTEXT_LIMITS = { maxBytes: 8 * 1024, maxUrlLength: 2048, maxStringLength: 512, maxEntries: 32, maxDepth: 3 } as const;
const CONTEXT_URL_KEYS = new Set(["url", "referrer", "path"]);

interface ContextProblem {
  path: PropertyKey[];
  message: string;
}

function contextStringLimit(path: readonly PropertyKey[]): number {
  const isUrl = path.length === 1 && CONTEXT_URL_KEYS.has(String(path[0]));
  return isUrl ? CONTEXT_LIMITS.maxUrlLength : CONTEXT_LIMITS.maxStringLength;
}

function contextValueProblem(value: unknown, path: PropertyKey[]): ContextProblem | null {
  if (typeof value === "string") {
    const max = contextStringLimit(path);
    return value.length > max ? { path, message: `at most ${max} characters` } : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (path.length >= CONTEXT_LIMITS.maxDepth) return { path, message: `the context nests at most ${CONTEXT_LIMITS.maxDepth} levels` };
  const entries: [PropertyKey, unknown][] = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
  if (entries.length > CONTEXT_LIMITS.maxEntries) return { path, message: `at most ${CONTEXT_LIMITS.maxEntries} entries` };
  for (const [key, item] of entries) {
    const problem = contextValueProblem(item, [...path, key]);
    if (problem) return problem;
  }
  return null;
}

function contextProblem(context: Record<string, unknown>): ContextProblem | null {
  const problem = contextValueProblem(context, []);
  if (problem) return problem;
  const bytes = encoder.encode(JSON.stringify(context)).length;
  return bytes > CONTEXT_LIMITS.maxBytes ? { path: [], message: `at most ${CONTEXT_LIMITS.maxBytes} bytes in all` } : null;
}

const contextSchema = z.record(z.string(), z.json()).superRefine((context, ctx) => {
  const problem = contextProblem(context);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
});

const collectSchema = z.strictObject({
  site: z.string().min(1).max(128),
  anonymous_id: anonymousIdSchema,
  sent_at: z.iso.datetime({ offset: true }).optional(),
  consent: consentSchema.optional(),
  events: z.array(z.unknown()),
  placements: placementsSchema.optional(),
  context: contextSchema.optional(),
});

const serverSchema = z.strictObject({ events: z.array(z.unknown()) });

function checkShape(body: unknown, limits: BatchLimits): Validated<null> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return fail("invalid_json", "The body must be a JSON object");
  }
  const hazard = hazardFailure(body);
  if (hazard) return hazard;
  const events = (body as { events?: unknown }).events;
  if (Array.isArray(events) && events.length > limits.maxEvents) {
    return fail("too_many_events", `A batch holds at most ${limits.maxEvents} events`, "events", 413);
  }
  return { ok: true, value: null };
}

type ParsedEvent = Record<string, unknown> & { type: string; id?: string; ts?: string };

function parseEvent(raw: unknown, index: number, source: "browser" | "server", limits: BatchLimits): Validated<ParsedEvent> {
  const field = `events[${index}]`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return fail("invalid_event", `${field}: must be an object`, field);
  if (encoder.encode(JSON.stringify(raw)).length > limits.maxEventBytes) {
    return fail("event_too_large", `${field}: an event is at most ${limits.maxEventBytes} bytes`, field, 413);
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== "string") return fail("invalid_event", `${field}.type: must be a string`, `${field}.type`);
  const schema = eventSchemaFor(type, source);
  if (!schema) return fail("unknown_event", `${field}.type: "${type.slice(0, 64)}" is not an event type`, `${field}.type`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return fromZodError(parsed.error, field);
  return { ok: true, value: parsed.data as ParsedEvent };
}

const SERVER_IDENTIFIER_KEYS: readonly IdentifierKind[] = ["anonymous_id", "customer_id", "email", "phone"];

function toTrackedEvent(parsed: ParsedEvent, ts: number): TrackedEvent {
  const { id, ts: _ts, anonymous_id: _a, customer_id: _c, email: _e, phone: _p, ...rest } = parsed;
  return { ...(rest as Omit<TrackedEvent, "id" | "ts">), id: id ?? null, ts };
}

function identifiersOf(parsed: ParsedEvent): Identifier[] {
  const found: Identifier[] = [];
  const traits = (parsed.traits ?? {}) as Record<string, unknown>;
  for (const kind of SERVER_IDENTIFIER_KEYS) {
    for (const value of [parsed[kind], traits[kind]]) {
      if (typeof value === "string" && !found.some((i) => i.kind === kind && i.value === value)) found.push({ kind, value });
    }
  }
  return found;
}

/** An identify binds a person to an email, customer id or phone (in its traits, or on a server event). */
function identifiesSomeone(parsed: ParsedEvent): boolean {
  return identifiersOf(parsed).some((identifier) => identifier.kind !== "anonymous_id");
}

function parseEvents(
  raws: unknown[],
  source: "browser" | "server",
  limits: BatchLimits,
  sentAt: number | null,
  receivedAt: number,
): Validated<{ parsed: ParsedEvent; event: TrackedEvent }[]> {
  const out: { parsed: ParsedEvent; event: TrackedEvent }[] = [];
  for (let i = 0; i < raws.length; i++) {
    const parsed = parseEvent(raws[i], i, source, limits);
    if (!parsed.ok) return parsed;
    const ts = resolveTimestamp(parseIsoMillis(parsed.value.ts), sentAt, receivedAt);
    if (!ts.ok) return fail("event_too_old", `events[${i}].ts ${ts.reason}`, `events[${i}].ts`);
    if (parsed.value.type === "identify" && !identifiesSomeone(parsed.value)) {
      return fail("no_identifier", `events[${i}].traits: an identify names an email, customer_id or phone`, `events[${i}].traits`);
    }
    out.push({ parsed: parsed.value, event: toTrackedEvent(parsed.value, ts.ts) });
  }
  return { ok: true, value: out };
}

/** Validates a browser batch of `POST /v1/collect` and puts its events on the server's clock. */
export function parseCollectBatch(body: unknown, receivedAt: number): Validated<CollectBatch> {
  const shape = checkShape(body, BROWSER_LIMITS);
  if (!shape.ok) return shape;
  const batch = collectSchema.safeParse(body);
  if (!batch.success) return fromZodError(batch.error);
  const sentAt = parseIsoMillis(batch.data.sent_at);
  const events = parseEvents(batch.data.events, "browser", BROWSER_LIMITS, sentAt, receivedAt);
  if (!events.ok) return events;
  return {
    ok: true,
    value: {
      site: batch.data.site,
      anonymous_id: batch.data.anonymous_id,
      sent_at: sentAt,
      consent: batch.data.consent ?? null,
      events: events.value.map((e) => e.event),
      placements: batch.data.placements ?? [],
      context: batch.data.context ?? {},
    },
  };
}

/** Validates a server batch of `POST /v1/events`; every event must name its person. */
export function parseServerBatch(body: unknown, receivedAt: number): Validated<ServerEvent[]> {
  const shape = checkShape(body, SERVER_LIMITS);
  if (!shape.ok) return shape;
  const batch = serverSchema.safeParse(body);
  if (!batch.success) return fromZodError(batch.error);
  const events = parseEvents(batch.data.events, "server", SERVER_LIMITS, null, receivedAt);
  if (!events.ok) return events;
  const out: ServerEvent[] = [];
  for (const [i, { parsed, event }] of events.value.entries()) {
    const identifiers = identifiersOf(parsed);
    const person = strongestIdentifier(identifiers);
    if (!person) {
      return fail("no_identifier", `events[${i}]: names no person (anonymous_id, customer_id, email or phone)`, `events[${i}]`);
    }
    out.push({ event, identifiers, person });
  }
  return { ok: true, value: out };
}

export interface DecideBody {
  site: string | null;
  person: Identifier | null;
  placements: string[];
  context: Record<string, unknown>;
}

const decideSchema = z
  .strictObject({
    site: z.string().min(1).max(128).optional(),
    anonymous_id: anonymousIdSchema.optional(),
    customer_id: customerIdSchema.optional(),
    email: emailSchema.optional(),
    placements: placementsSchema.refine((placements) => placements.length > 0, "name at least one placement"),
    context: contextSchema.optional(),
  })
  .refine(
    (body) => [body.anonymous_id, body.customer_id, body.email].filter((v) => v !== undefined).length <= 1,
    "name the person by one of anonymous_id, customer_id or email",
  );

/** Validates `POST /v1/decide`: placements, an optional context, the person by one identifier. */
export function parseDecideBody(body: unknown): Validated<DecideBody> {
  const hazard = hazardFailure(body);
  if (hazard) return hazard;
  const parsed = decideSchema.safeParse(body);
  if (!parsed.success) return fromZodError(parsed.error);
  const { site, anonymous_id, customer_id, email, placements, context } = parsed.data;
  const person: Identifier | null =
    anonymous_id !== undefined
      ? { kind: "anonymous_id", value: anonymous_id }
      : customer_id !== undefined
        ? { kind: "customer_id", value: customer_id }
        : email !== undefined
          ? { kind: "email", value: email }
          : null;
  return { ok: true, value: { site: site ?? null, person, placements, context: context ?? {} } };
}
