import type { z } from "zod";

/** A refused request as data: the edge turns it into the HTTP error shape. */
export interface ValidationFailure {
  status: 400 | 413;
  code: string;
  message: string;
  field?: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: ValidationFailure };

export function fail(code: string, message: string, field?: string, status: 400 | 413 = 400): { ok: false; error: ValidationFailure } {
  return { ok: false, error: field === undefined ? { status, code, message } : { status, code, message, field } };
}

/** `["events", 3, "type"]` → `events[3].type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const rest = formatPath(path);
  if (!rest) return prefix;
  if (!prefix) return rest;
  return rest.startsWith("[") ? `${prefix}${rest}` : `${prefix}.${rest}`;
}

/** The first issue of a zod error, as a failure naming its field under `prefix`. */
export function fromZodError(error: z.ZodError, prefix = ""): { ok: false; error: ValidationFailure } {
  const issue = error.issues[0];
  if (!issue) return fail("invalid_request", "The request is not valid", prefix || undefined);
  let path: PropertyKey[] = [...issue.path];
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path = [...path, issue.keys[0]];
  const field = joinPath(prefix, path);
  const message = issue.code === "unrecognized_keys" ? `unknown field` : issue.message;
  return fail("invalid_request", field ? `${field}: ${message}` : message, field || undefined);
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Finds a key that could pollute prototypes anywhere in a parsed JSON value; returns its path. */
export function findForbiddenKey(value: unknown, path: PropertyKey[] = []): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], [...path, i]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return formatPath([...path, key]);
      const found = findForbiddenKey((value as Record<string, unknown>)[key], [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}
