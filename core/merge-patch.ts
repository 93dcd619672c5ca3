type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A merge patch in the manner of RFC 7396: objects merge key by key, anything else replaces.
 * Unlike the RFC, `null` is kept as a value rather than removing the key: settings always have
 * every key, so `null` clears a nullable setting and is refused by validation for a required one.
 * Used by `PUT /v1/settings`.
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
