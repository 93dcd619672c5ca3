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
