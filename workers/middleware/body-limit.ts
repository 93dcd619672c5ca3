import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

/** The management API's JSON bodies (settings, shops, keys, campaigns). */
export const MANAGEMENT_BODY_LIMIT = 64 * 1024;

/**
 * Refuses a body over `maxBytes` with 413 before the route reads it: by its Content-Length, or,
 * for a body streamed without one, by counting while reading and stopping at the limit (so a
 * 10 MB chunked body costs at most `maxBytes` of memory).
 */
export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `The body is larger than ${maxBytes} bytes`);
    },
  });
}
