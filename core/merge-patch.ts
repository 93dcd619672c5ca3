type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * JSON Merge Patch (RFC 7396): objects merge key by key, `null` removes a key (or clears a
 * nullable setting), anything else replaces. Used by `PUT /v1/settings`.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlain(patch)) return patch;
  const result: Plain = isPlain(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) result[key] = null;
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
