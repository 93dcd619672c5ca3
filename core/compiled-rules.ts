/**
 * Audience rules compiled once into closures and evaluated many times: paths resolved to
 * accessors, operators bound, constants normalized (comparable numbers, sets for `in`, globs
 * split), so evaluating costs only the comparisons. No `eval` or `new Function` (Workers forbid
 * them). The interpreter in rules.ts stays the reference: it explains (`reason`), this only
 * answers, and the rule vectors run against both.
 */
import { compileGlob, globMatches } from "./glob";
import { comparable, COUNT_PREFIXES, OPEN_PREFIXES, own, type Condition, type Rule, type RuleSubject } from "./rules";

export type Matcher = (subject: RuleSubject) => boolean;
type Accessor = (subject: RuleSubject) => unknown;

function walk(start: unknown, keys: readonly string[]): unknown {
  let value = start;
  for (const key of keys) value = own(value, key);
  return value;
}

/** The accessor of a path, resolved once: which root, which keys, and a count map's default. */
function compilePath(path: string): Accessor {
  const prefix = OPEN_PREFIXES.find((p) => path.startsWith(p));
  if (prefix) {
    const mapKeys = prefix.slice(0, -1).split(".");
    const key = path.slice(prefix.length);
    const missing = COUNT_PREFIXES.includes(prefix) ? 0 : undefined;
    return (subject) => {
      const found = own(walk(subject.profile, mapKeys), key);
      return found === undefined ? missing : found;
    };
  }
  const [root = "", ...rest] = path.split(".");
  if (root === "context") return (subject) => walk(subject.context, rest);
  return (subject) => walk(own(subject.profile, root), rest);
}

type Test = (actual: unknown) => boolean;

function orderTest(op: "gt" | "gte" | "lt" | "lte", value: unknown): Test {
  const b = comparable(value);
  if (b === null) return () => false;
  const test = { gt: (a: number) => a > b, gte: (a: number) => a >= b, lt: (a: number) => a < b, lte: (a: number) => a <= b }[op];
  return (actual) => {
    const a = comparable(actual);
    return a !== null && test(a);
  };
}

function betweenTest(value: unknown): Test {
  const [low, high] = (value as unknown[]).map(comparable);
  if (low === null || high === null || low === undefined || high === undefined) return () => false;
  return (actual) => {
    const a = comparable(actual);
    return a !== null && a >= low && a <= high;
  };
}

function inTest(value: unknown): Test {
  const allowed = new Set(value as unknown[]);
  return (actual) => (Array.isArray(actual) ? actual.some((item) => allowed.has(item)) : allowed.has(actual));
}

function containsTest(value: unknown): Test {
  return (actual) => {
    if (Array.isArray(actual)) return actual.some((item) => item === value || (typeof item === "object" && own(item, "item_id") === value));
    return typeof actual === "string" && typeof value === "string" && actual.includes(value);
  };
}

/** The operator bound to its (validated) value, as rules.ts's `testCondition` reads it. */
function compileTest({ op, value }: Condition): Test {
  switch (op) {
    case "eq":
      return (actual) => actual === value;
    case "neq":
      return (actual) => actual !== value;
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return orderTest(op, value);
    case "between":
      return betweenTest(value);
    case "in":
      return inTest(value);
    case "contains":
      return containsTest(value);
    case "exists":
      return value === false ? (actual) => actual === undefined || actual === null : (actual) => actual !== undefined && actual !== null;
    case "matches": {
      const glob = compileGlob(String(value));
      return (actual) => typeof actual === "string" && globMatches(actual, glob);
    }
  }
}

const always: Matcher = () => true;

/** Compiles a (validated) rule; `compileRule(rule)(subject)` equals `evaluateRule(rule, subject).match`. */
export function compileRule(rule: Rule): Matcher {
  if ("all" in rule) {
    const parts = rule.all.map(compileRule);
    if (parts.length === 0) return always;
    if (parts.length === 1) return parts[0] as Matcher;
    return (subject) => {
      for (const part of parts) if (!part(subject)) return false;
      return true;
    };
  }
  if ("any" in rule) {
    const parts = rule.any.map(compileRule);
    return (subject) => {
      for (const part of parts) if (part(subject)) return true;
      return false;
    };
  }
  if ("not" in rule) {
    const inner = compileRule(rule.not);
    return (subject) => !inner(subject);
  }
  const read = compilePath(rule.attr);
  const test = compileTest(rule);
  return (subject) => test(read(subject));
}
