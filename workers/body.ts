import { ApiError } from "./errors";

/**
 * Reads a JSON body of at most `maxBytes`, whatever its content type (`sendBeacon` sends
 * `text/plain`). Stops reading as soon as the limit is passed, so an oversized body costs nothing.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const length = request.headers.get("content-length");
  const declared = length === null ? null : Number(length);
  if (declared !== null && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new ApiError(400, "invalid_json", "The body must be a JSON object");
  // With a declared length the runtime enforces it, so the body can be read natively in one go.
  const bytes = declared !== null && Number.isFinite(declared) ? new Uint8Array(await request.arrayBuffer()) : await readCapped(request.body, maxBytes);
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON");
  }
}

/** Reads a body of unknown length, giving up as soon as it passes the limit. */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${maxBytes} bytes`);
}
