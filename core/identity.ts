import type { Identifier } from "./types";

/** Where a person's object stands: live, handing its data over to a survivor, or merged into one. */
export type Route =
  | { status: "active" }
  | { status: "merging"; into: string; since: number; shop_id: string; cause: MergeCause }
  | { status: "merged"; into: string };

/** One line of a person's identity audit: a merge, a refused merge, or the hand-over itself. */
export interface AuditEntry {
  at: number;
  type: "merge" | "conflict" | "merged_into";
  survivor: string;
  absorbed: string[];
  identifier?: Identifier;
  event_id?: string | null;
  reason?: string;
}

/** Why two people were brought together: the identifier and the event that named both. */
export interface MergeCause {
  identifier: Identifier;
  event_id: string | null;
}

/**
 * Identity work the central index has not confirmed yet. A person's object stores each task with
 * the batch that caused it and hands the open ones to every caller until the Worker settles them,
 * so a failure between the two never loses a claim.
 * - `claim`: an identifier the person's events named (`verified` false for an unproven browser claim);
 * - `repoint`: index entries of absorbed people still to point at this person;
 * - `device`: a device a trusted server event tied to this person, whose own object is to join it.
 */
export type IdentityTask =
  | { key: string; type: "claim"; identifier: Identifier; verified: boolean; event_id: string | null }
  | { key: string; type: "repoint"; absorbed: string[] }
  | { key: string; type: "device"; anonymous_id: string; event_id: string | null };

export function claimTask(identifier: Identifier, verified: boolean, eventId: string | null): IdentityTask {
  return {
    key: `claim:${identifier.kind}:${identifier.value}`,
    type: "claim",
    identifier: { kind: identifier.kind, value: identifier.value },
    verified,
    event_id: eventId,
  };
}

export function repointTask(absorbed: readonly string[]): IdentityTask {
  return { key: `repoint:${absorbed[0] ?? ""}`, type: "repoint", absorbed: [...absorbed] };
}

export function deviceTask(anonymousId: string, eventId: string | null): IdentityTask {
  return { key: `device:${anonymousId}`, type: "device", anonymous_id: anonymousId, event_id: eventId };
}
