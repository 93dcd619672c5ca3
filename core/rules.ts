import { matchesGlob } from "./glob";
import { fail, type ValidationFailure } from "./validation";

/**
 * Audience rules: nested `all` / `any` / `not` over conditions on the live profile and
 * the request context. Paths are those of the profile as the API returns it; `context.*` reads
 * the request context.
 */
export const OPERATORS = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "contains", "exists", "between", "matches"] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Condition {
  attr: string;
  op: Operator;
  value?: unknown;
}
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition;

export interface RuleSubject {
  profile: unknown;
  context: unknown;
}

export interface RuleResult {
  match: boolean;
  /** Why, for `?explain=1`: the first condition that decided the outcome. */
  reason: string;
}

/** Paths a condition may name. Maps of counts take any key after their prefix. */
const STATIC_PATHS = new Set([
  "cart.value",
  "cart.currency",
  "cart.items",
  "cart.updated_at",
  "orders.count",
  "orders.revenue",
  "orders.first_at",
  "orders.last_at",
  "lifecycle",
  "engagement",
  "segments",
  "days_since_last_order",
  "counters.events",
  "counters.page_views",
  "counters.sessions",
  "searches.count",
  "consent.analytics",
  "consent.personalization",
  "consent.marketing",
  "subscribed.email",
  "subscribed.sms",
  "predictions.churn_risk",
  "predictions.next_order_at",
  "predictions.clv",
  "rfm.recency",
  "rfm.frequency",
  "rfm.monetary",
  "identifiers.email",
  "identifiers.customer_id",
  "identifiers.phone",
  "context.url",
  "context.path",
  "context.referrer",
  "context.device",
  "context.locale",
  "context.utm.source",
  "context.utm.medium",
  "context.utm.campaign",
  "context.utm.term",
  "context.utm.content",
]);
/** Maps of counts: a key that is absent counts 0. */
export const COUNT_PREFIXES = ["views.category.", "views.items.", "orders.items."];
export const OPEN_PREFIXES = [...COUNT_PREFIXES, "traits."];

/** The fixed paths (maps of counts and traits take any key after their prefix). */
export function staticPaths(): string[] {
  return [...STATIC_PATHS];
}

export function isKnownPath(path: string): boolean {
  if (STATIC_PATHS.has(path)) return true;
  return OPEN_PREFIXES.some((prefix) => path.startsWith(prefix) && path.length > prefix.length);
}

export function own(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The value a path names; a map key after its prefix may itself contain dots. */
export function resolvePath(subject: RuleSubject, path: string): unknown {
  const prefix = OPEN_PREFIXES.find((p) => path.startsWith(p));
  if (prefix) {
    const map = prefix
      .slice(0, -1)
      .split(".")
      .reduce<unknown>((value, key) => own(value, key), subject.profile);
    const found = own(map, path.slice(prefix.length));
    return found === undefined && COUNT_PREFIXES.includes(prefix) ? 0 : found;
  }
  const [root = "", ...rest] = path.split(".");
  const start = root === "context" ? subject.context : own(subject.profile, root);
  return rest.reduce<unknown>((value, key) => own(value, key), start);
}

export function comparable(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

function testCondition(actual: unknown, condition: Condition): boolean {
  const { op, value } = condition;
  switch (op) {
    case "eq":
      return actual === value;
    case "neq":
      return actual !== value;
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const a = comparable(actual);
      const b = comparable(value);
      if (a === null || b === null) return false;
      return op === "gt" ? a > b : op === "gte" ? a >= b : op === "lt" ? a < b : a <= b;
    }
    case "between": {
      const a = comparable(actual);
      const [low, high] = (value as unknown[]).map(comparable);
      return a !== null && low !== null && high !== null && low !== undefined && high !== undefined && a >= low && a <= high;
    }
    case "in":
      return Array.isArray(actual) ? actual.some((item) => (value as unknown[]).includes(item)) : (value as unknown[]).includes(actual);
    case "contains":
      if (Array.isArray(actual))
        return actual.some((item) => item === value || (typeof item === "object" && own(item, "item_id") === value));
      return typeof actual === "string" && typeof value === "string" && actual.includes(value);
    case "exists": {
      const present = actual !== undefined && actual !== null;
      return value === false ? !present : present;
    }
    case "matches":
      return typeof actual === "string" && matchesGlob(actual, String(value));
  }
}

/** Reasons quote values, shortened: a long context value must not make every reason long. */
const MAX_SHOWN_CHARACTERS = 200;
function show(value: unknown): string {
  if (value === undefined) return "missing";
  const shown = JSON.stringify(value);
  return shown.length > MAX_SHOWN_CHARACTERS ? `${shown.slice(0, MAX_SHOWN_CHARACTERS)}…` : shown;
}

/** Evaluates a (validated) rule; the reason names the condition that decided. */
export function evaluateRule(rule: Rule, subject: RuleSubject): RuleResult {
  if ("all" in rule) {
    for (const part of rule.all) {
      const result = evaluateRule(part, subject);
      if (!result.match) return result;
    }
    return { match: true, reason: rule.all.length === 0 ? "everyone" : "all conditions hold" };
  }
  if ("any" in rule) {
    const reasons: string[] = [];
    for (const part of rule.any) {
      const result = evaluateRule(part, subject);
      if (result.match) return result;
      reasons.push(result.reason);
    }
    return { match: false, reason: `none of: ${reasons.join("; ")}` };
  }
  if ("not" in rule) {
    const inner = evaluateRule(rule.not, subject);
    return { match: !inner.match, reason: `not (${inner.reason})` };
  }
  const actual = resolvePath(subject, rule.attr);
  const match = testCondition(actual, rule);
  return { match, reason: `${rule.attr} ${rule.op} ${show(rule.value)}: ${show(actual)} → ${match}` };
}

export interface RuleLimits {
  maxDepth: number;
  maxConditions: number;
}
export const DEFAULT_RULE_LIMITS: RuleLimits = { maxDepth: 6, maxConditions: 50 };

const scalar = (value: unknown) => ["string", "number", "boolean"].includes(typeof value) || value === null;
const orderable = (value: unknown) => comparable(value) !== null;

function valueProblem(condition: Condition): string | null {
  const { op, value } = condition;
  switch (op) {
    case "eq":
    case "neq":
      return scalar(value) ? null : "must be a string, number, boolean or null";
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return orderable(value) ? null : "must be a number or an ISO date";
    case "between":
      return Array.isArray(value) &&
        value.length === 2 &&
        value.every(orderable) &&
        (comparable(value[0]) ?? 0) <= (comparable(value[1]) ?? 0)
        ? null
        : "must be [low, high] numbers or ISO dates, low ≤ high";
    case "in":
      return Array.isArray(value) && value.length > 0 && value.length <= 100 && value.every(scalar)
        ? null
        : "must be a list of 1–100 values";
    case "contains":
      return typeof value === "string" || typeof value === "number" ? null : "must be a string or a number";
    case "exists":
      return value === undefined || typeof value === "boolean" ? null : "must be true, false or absent";
    case "matches":
      return typeof value === "string" && value.length > 0 && value.length <= 512 ? null : "must be a URL pattern (`*` for any characters)";
  }
}

/**
 * Checks a rule as a campaign is saved: its shape, each operator's value, known paths only, and
 * limits on depth and size. Returns the first problem with its field, or null.
 */
export function validateRule(rule: unknown, field: string, limits: RuleLimits = DEFAULT_RULE_LIMITS): ValidationFailure | null {
  let conditions = 0;
  const walk = (node: unknown, at: string, depth: number): ValidationFailure | null => {
    if (depth > limits.maxDepth) return fail("invalid_rule", `${at}: rules nest at most ${limits.maxDepth} levels`, at).error;
    if (node === null || typeof node !== "object" || Array.isArray(node))
      return fail("invalid_rule", `${at}: must be a rule object`, at).error;
    const keys = Object.keys(node);
    const group = keys.find((key) => key === "all" || key === "any");
    if (group) {
      if (keys.length !== 1) return fail("invalid_rule", `${at}: a group has only "${group}"`, at).error;
      const parts = (node as Record<string, unknown>)[group];
      if (!Array.isArray(parts)) return fail("invalid_rule", `${at}.${group}: must be a list of rules`, `${at}.${group}`).error;
      for (const [i, part] of parts.entries()) {
        const problem = walk(part, `${at}.${group}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    if (keys.includes("not")) {
      if (keys.length !== 1) return fail("invalid_rule", `${at}: "not" stands alone`, at).error;
      return walk((node as { not: unknown }).not, `${at}.not`, depth + 1);
    }
    const condition = node as Record<string, unknown>;
    const extra = keys.find((key) => !["attr", "op", "value"].includes(key));
    if (extra !== undefined) return fail("invalid_rule", `${at}.${extra}: unknown field`, `${at}.${extra}`).error;
    conditions += 1;
    if (conditions > limits.maxConditions) return fail("invalid_rule", `${at}: at most ${limits.maxConditions} conditions`, at).error;
    if (typeof condition.attr !== "string" || !isKnownPath(condition.attr)) {
      return fail("unknown_path", `${at}.attr: ${JSON.stringify(condition.attr)} is not a profile or context path`, `${at}.attr`).error;
    }
    if (typeof condition.op !== "string" || !(OPERATORS as readonly string[]).includes(condition.op)) {
      return fail("invalid_rule", `${at}.op: must be one of ${OPERATORS.join(", ")}`, `${at}.op`).error;
    }
    const problem = valueProblem(condition as unknown as Condition);
    return problem ? fail("invalid_rule", `${at}.value: ${problem}`, `${at}.value`).error : null;
  };
  return walk(rule, field, 1);
}
