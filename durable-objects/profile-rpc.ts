import type { Candidate } from "../core/decide";
import type { FlowDefinition, MessageInteraction } from "../core/flows/types";
import type { IdentityTask } from "../core/identity";
import type { IncomingEvent } from "../core/profile";
import type { ResultSettings } from "../core/results/person";
import type { ReportCount } from "../core/results/types";
import type { ApiProfile } from "../core/profile-view";
import type { SegmentRules } from "../core/segments";
import type { Channel, ConsentMode, ConsentPurpose, Identifier } from "../core/types";
import type { DecideRequest, Interaction, SignedDecision } from "./decisions";
import type { DispatchSummary } from "./messaging";
import type { ErasureJob, PersonHead } from "./profile-storage";

/* What callers send a person's object and what it answers (its RPC contract). */

export interface IngestRequest {
  shopId: string;
  consentMode: ConsentMode;
  /** Server events are the shop's own records (orders): they are not gated by browser consent. */
  source: "browser" | "server";
  events: IncomingEvent[];
  batchConsent: Partial<Record<ConsentPurpose, boolean>> | null;
  /** Identifiers of the whole batch (a browser batch's device id). */
  batchIdentifiers: Identifier[];
  receivedAt: number;
  /** True when this object was reached as the home of the batch's identifier, not through a cache or the index. */
  viaHome: boolean;
  /** The shop's own segments (settings), part of the profile that audiences read. */
  segmentRules: SegmentRules;
  /** The shop's enabled messaging flows, when it has any: the batch starts, moves or ends their runs. */
  flows?: FlowDefinition[] | undefined;
  /** Placements to decide after the events are applied (collect's `placements`, `/v1/decide`). */
  decide?: DecideRequest | undefined;
  /** The shop's time zone (report days) and attribution windows; UTC, 7 and 1 days when absent. */
  results?: ResultSettings | undefined;
}

/** This person was merged into another: the caller goes there (one hop). */
export interface Moved {
  ok: false;
  code: "moved";
  to: string;
}

/** This person was erased, and the caller did not come through the identifier's home: go there. */
export interface Erased {
  ok: false;
  code: "erased";
}

export type IngestResult =
  | {
      ok: true;
      profileId: string;
      stored: number;
      duplicates: number;
      withoutConsent: number;
      /** Identity work the index has not confirmed yet (this batch's and any left open before). */
      tasks: IdentityTask[];
      decisions: SignedDecision[];
      candidates: Candidate[];
      interactions: Interaction[];
      /** What the batch and the decisions add to the shop's report counters. */
      counts: ReportCount[];
    }
  | { ok: false; code: "rate_limited"; retryAfterSeconds: number }
  | { ok: false; code: "invalid_token"; index: number }
  /** Decisions were asked with a campaigns version this isolate does not know: send them along. */
  | { ok: false; code: "need_campaigns" }
  | Moved
  | Erased;

/** The start of an export: the profile and everything but the paged rows. */
export interface PersonExport {
  profile: ApiProfile | null;
  head: PersonHead;
}

/** Where an erasure stands in a person's object. */
export type EraseResult = { status: "erasing"; job: ErasureJob } | { status: "empty" } | Moved;

/** What the cron's send-time check came to for one person. */
export type DispatchResult =
  | ({ status: "done"; counts: ReportCount[] } & DispatchSummary)
  | { status: "empty" }
  | { status: "moved"; to: string };

/** An open, a click or an unsubscribe from a message's tracked link (its token verified by the Worker). */
export interface MessageInteractionRequest {
  shopId: string;
  messageId: string;
  kind: MessageInteraction | "unsubscribe";
  channel: Channel;
  at: number;
  /** The shop's time zone (report days). */
  timezone: string;
}

/** `counts`: what a first open or click adds to the flow's results. */
export type MessageInteractionResult = { ok: true; counts?: ReportCount[] } | { ok: false; code: "unknown_message" } | Moved;

/** The owner of an address the person typed followed its confirmation link (double opt-in; the token verified by the Worker). */
export interface ConfirmAddressRequest {
  shopId: string;
  address: string;
  at: number;
}

/** `unknown_address`: not the address the person's current confirmation request is for. */
export type ConfirmAddressResult = { ok: true } | { ok: false; code: "unknown_address" } | Moved;
