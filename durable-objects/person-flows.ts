/**
 * A person object's messaging: its part of each batch (planning runs), the cron's send-time
 * check and sending, tracked-link interactions, and what it tells the central outbox. The object
 * keeps the route checks and the state; this keeps everything flow-specific out of it.
 */
import { applyBatch } from "../core/profile";
import { confirmOptIn, optInDueAt } from "../core/flows/opt-in";
import { emptyFlowState, nextDueAt, recordInteraction } from "../core/flows/state";
import type { DeliveryOutcome, SendOrder } from "../core/flows/types";
import type { BatchOutcome } from "../core/profile";
import { resultsOfCheck, resultsOfDeliveries, resultsOfInteraction, resultsOfPlanning } from "../core/results/flows";
import { DEFAULT_RESULT_SETTINGS } from "../core/results/person";
import type { ReportCount } from "../core/results/types";
import type { ProfileState } from "../core/types";
import { mapWithConcurrency } from "../workers/concurrency";
import { tokenSecret } from "../workers/crypto";
import { centralDatabase } from "../workers/db/client";
import { scheduleNext } from "../workers/db/outbox";
import { applyOutcomes, planAfterBatch, prepareSends, sendMessage, summarize, type DispatchRequest } from "./messaging";
import { OutboxMarks, syncOutbox } from "./outbox-mark";
import type {
  ConfirmAddressRequest,
  ConfirmAddressResult,
  DispatchResult,
  IngestRequest,
  MessageInteractionRequest,
  MessageInteractionResult,
} from "./profile-rpc";
import type { ProfileStorage } from "./profile-storage";

/** What the flows need of the object that holds the person. */
export interface PersonHost {
  readonly profileId: string;
  readonly store: ProfileStorage;
  state(): ProfileState | null;
  /** Keeps a state as the live one (already written, or to write with `keep`). */
  adopt(state: ProfileState): void;
  /** Whether the person still lives here (not merged away meanwhile). */
  active(): boolean;
  /** Asks for an alarm soon, to retry what failed. */
  retrySoon(): Promise<void>;
}

/** Deliveries to one person run this many at a time (a run rarely has more than one). */
const SENDS_IN_FLIGHT = 4;

/** The earliest moment the send-time check has work for this person (a flow step or the confirmation), or null. */
function nextWorkAt(state: ProfileState | null): number | null {
  const due = [state?.flows ? nextDueAt(state.flows) : null, state ? optInDueAt(state) : null].filter((at) => at !== null);
  return due.length === 0 ? null : Math.min(...due);
}

export class PersonFlows {
  private readonly marks: OutboxMarks;

  constructor(
    private readonly host: PersonHost,
    private readonly env: Env,
    storage: DurableObjectStorage,
  ) {
    this.marks = new OutboxMarks(storage);
  }

  /** The batch's effect on the person's flow runs, planned into the state it writes, and the steps it ended as counts. */
  planned(outcome: BatchOutcome, request: IngestRequest): { outcome: BatchOutcome; counts: ReportCount[] } {
    if (!request.flows) return { outcome, counts: [] };
    const { consentMode, segmentRules, receivedAt } = request;
    const state = planAfterBatch(outcome.state, outcome.stored, request.flows, consentMode, segmentRules, receivedAt);
    const timezone = request.results?.timezone ?? DEFAULT_RESULT_SETTINGS.timezone;
    return { outcome: { ...outcome, state }, counts: resultsOfPlanning(outcome.state.flows, state.flows, receivedAt, timezone) };
  }

  /**
   * The cron's send-time check: checks and marks what is due without an await (two overlapping
   * dispatches can never both send a step), delivers it, and applies the outcomes to the state as
   * it is after the awaits.
   */
  async dispatch(state: ProfileState, request: DispatchRequest): Promise<DispatchResult> {
    const secret = tokenSecret(this.env);
    const { timezone } = request.settings;
    const prepared = prepareSends(state, request);
    this.keep(prepared.state);
    const counts = resultsOfCheck(state.flows, prepared.state.flows, prepared.sends, request.now, timezone);
    const outcomes = await mapWithConcurrency(
      prepared.sends,
      SENDS_IN_FLIGHT,
      async (order): Promise<[SendOrder, DeliveryOutcome]> => [
        order,
        await sendMessage(order, prepared.state, this.host.profileId, request, secret),
      ],
    );
    const now = this.host.state();
    if (now && this.host.active()) {
      const settled = resultsOfDeliveries(now, applyOutcomes(now, outcomes, request.now), request.now, timezone);
      this.keep(settled.state);
      counts.push(...settled.counts);
    }
    await this.tellOutbox(request.shopId, "dispatch");
    return { status: "done", ...summarize(prepared.notes, outcomes, nextWorkAt(this.host.state())), counts };
  }

  /** An open, click or unsubscribe from a message this person was sent. */
  interaction(state: ProfileState, request: MessageInteractionRequest): MessageInteractionResult {
    if (request.kind === "unsubscribe") {
      this.unsubscribe(state, request);
      return { ok: true };
    }
    // The confirmation's opens are not tracked (it belongs to no run), but its pixel is no broken link.
    if (request.messageId === state.opt_in?.email?.message_id) return { ok: true };
    const before = state.flows ?? emptyFlowState();
    const { flows, found } = recordInteraction(before, request.messageId, request.kind, request.at);
    if (!found) return { ok: false, code: "unknown_message" };
    const resulted = resultsOfInteraction(before, { ...state, flows }, request.messageId, request.kind, request.at, request.timezone);
    this.keep(resulted.state);
    return { ok: true, counts: resulted.counts };
  }

  /** The owner of an address the person typed confirmed it: flows may write to it from now on. */
  confirmAddress(state: ProfileState, request: ConfirmAddressRequest): ConfirmAddressResult {
    const { state: next, confirmed } = confirmOptIn(state, request.address, request.at);
    if (!confirmed) return { ok: false, code: "unknown_address" };
    if (next !== state) this.keep(next);
    return { ok: true };
  }

  /** Tells the central outbox when this person next has flow work; a failed write is retried by the alarm. */
  async tellOutbox(shopId: string, after: "batch" | "dispatch"): Promise<void> {
    const next = nextWorkAt(this.host.state());
    const write = (shop: string, due: number | null, seq: number) =>
      scheduleNext(centralDatabase(this.env), shop, this.host.profileId, due, seq);
    if (!(await syncOutbox(this.marks, write, shopId, next, after))) await this.host.retrySoon();
  }

  /** From the alarm: a due time the outbox did not get is sent again. */
  async retryOutbox(): Promise<void> {
    const mark = this.marks.get();
    if (mark && !mark.synced) await this.tellOutbox(mark.shop_id, "dispatch");
  }

  /** A one-click unsubscribe is the person's own `unsubscribe` event (once per message). */
  private unsubscribe(state: ProfileState, request: MessageInteractionRequest): void {
    const { store } = this.host;
    const event = { id: `unsubscribe.${request.messageId}`, type: "unsubscribe", ts: request.at, channel: request.channel };
    const outcome = store.transaction(() => {
      const seenIds = store.claimIds([event.id], request.at);
      const applied = applyBatch(state, [{ event, identifiers: [] }], {
        now: request.at,
        consentMode: "implied",
        seenIds,
        tokenUses: new Set(),
        ledger: store.ledger([]),
        batchConsent: null,
        batchIdentifiers: [],
      });
      store.releaseUnstored([event.id], seenIds, applied.stored);
      const rows = { events: applied.stored, orders: [], tokenUses: [], devices: [], tasks: [] };
      if (applied.stored.length > 0) store.writeBatch(applied.state, rows, request.at);
      return applied;
    });
    if (outcome.stored.length > 0) this.host.adopt(outcome.state);
  }

  private keep(state: ProfileState): void {
    this.host.store.writeState(state);
    this.host.adopt(state);
  }
}
