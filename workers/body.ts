import { ApiError } from "./errors";

/**
 * Parses a JSON body whatever its content type (`sendBeacon` sends `text/plain`); bytes that are
 * not UTF-8 are refused rather than replaced. Its size was capped before by the route's `limitBody`.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (!request.body) throw new ApiError(400, "invalid_json", "The body must be a JSON object");
  const bytes = await request.arrayBuffer();
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON");
  }
}
