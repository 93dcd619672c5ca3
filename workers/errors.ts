import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ValidationFailure } from "../core/validation";
import { DatabaseMisconfigured, databaseFailureIn, logDatabaseFailure, type DatabaseFailure } from "./db/failures";

/** The one error class of the API: thrown anywhere, turned into the API's error shape by `onError`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  static fromValidation(failure: ValidationFailure): ApiError {
    return new ApiError(failure.status, failure.code, failure.message, failure.field);
  }
}

export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message, err.field), err.status);
  }
  const databaseFailure = databaseFailureIn(err);
  if (databaseFailure) return onError(databaseError(databaseFailure), c);
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "Something went wrong on our side; nothing of the request was acknowledged"), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}

/** Retry-After of a misconfiguration: an operator has to fix a secret, so clients need not come back soon. */
const MISCONFIGURED_RETRY_SECONDS = "60";
const UNAVAILABLE_RETRY_SECONDS = "5";

/**
 * A central database that cannot be used answers 503 and says why (never a generic 500): a
 * setting that cannot work names the setting (`database_misconfigured`), an unanswering server is
 * `unavailable`. Nothing of the request was acknowledged, so a retry repeats nothing.
 */
function databaseError(failure: DatabaseFailure): ApiError {
  logDatabaseFailure(failure);
  if (failure instanceof DatabaseMisconfigured) {
    return new ApiError(503, "database_misconfigured", `${failure.message}; nothing of the request was acknowledged`, undefined, {
      "Retry-After": MISCONFIGURED_RETRY_SECONDS,
    });
  }
  return new ApiError(
    503,
    "unavailable",
    "The central database is not answering; nothing of the request was acknowledged, retry later",
    undefined,
    {
      "Retry-After": UNAVAILABLE_RETRY_SECONDS,
    },
  );
}
