import type { Identifier, ProfileState } from "../core/types";

/** Every identifier a person's object holds (what an erasure must remove centrally): named ones, claims and every device. */
export function heldIdentifiers(state: ProfileState | null, devices: readonly string[]): Identifier[] {
  const ids = state?.identifiers;
  const named = ids
    ? (["email", "customer_id", "phone"] as const).flatMap((kind) =>
        ids[kind] === undefined ? [] : [{ kind, value: ids[kind] as string }],
      )
    : [];
  const every = [...new Set([...(ids?.anonymous_ids ?? []), ...devices])].map((value) => ({ kind: "anonymous_id" as const, value }));
  return [...named, ...(ids?.unverified ?? []), ...every];
}
