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
export const MAX_JSON_DEPTH = 32;

export type JsonHazard = { kind: "forbidden_key" | "too_deep"; path: string };

/**
 * Finds what a parsed body must not hold: a key that could pollute prototypes, or nesting deeper
 * than `MAX_JSON_DEPTH` (which would make every later walk over it costly). Iterative, so that a
 * hostile body cannot exhaust the stack.
 */
export function findJsonHazard(root: unknown): JsonHazard | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: PropertyKey[] };
    if (value === null || typeof value !== "object") continue;
    if (path.length > MAX_JSON_DEPTH) return { kind: "too_deep", path: formatPath(path) };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(value);
    const forbidden = keys.find((key) => FORBIDDEN_KEYS.has(key));
    if (forbidden !== undefined) return { kind: "forbidden_key", path: formatPath([...path, forbidden]) };
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** The refusal for a hazardous body, or null when it is safe to validate. */
export function hazardFailure(body: unknown): { ok: false; error: ValidationFailure } | null {
  const hazard = findJsonHazard(body);
  if (!hazard) return null;
  return hazard.kind === "forbidden_key"
    ? fail("forbidden_key", `${hazard.path}: this key is not allowed`, hazard.path)
    : fail("too_deep", `${hazard.path}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`, hazard.path);
}
