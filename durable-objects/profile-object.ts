import { DurableObject } from "cloudflare:workers";
import type { AuditEntry, MergeCause, Route } from "../core/identity";
import { applyBatch, emptyProfile, type BatchOutcome, type IncomingEvent } from "../core/profile";
import { toApiProfile, type ApiProfile } from "../core/profile-view";
import type { SegmentRules } from "../core/segments";
import type { ConsentMode, Identifier, ProfileState } from "../core/types";
import { absorbInto, type AbsorbRequest, type AbsorbResult, type HandOver } from "./merging";
import { checkNudges, decideNow, heldOut, interactionsOf, knowCampaigns, signDecisions, type DecisionsOutcome } from "./decisions";
import { resultsOfBatch, resultsOfHoldouts } from "../core/results/batch";
import { DEFAULT_RESULT_SETTINGS } from "../core/results/person";
import type { ReportCount } from "../core/results/types";
import { writeReportCounts } from "./report-writes";
import { PAGED_PARTS, type Page, type PagedPart } from "./paged-rows";
import { ProfileStorage, type ClaimedIdentifier, type ErasureJob } from "./profile-storage";
import type {
  ConfirmAddressRequest,
  ConfirmAddressResult,
  DispatchResult,
  EraseResult,
  IngestRequest,
  IngestResult,
  MessageInteractionRequest,
  MessageInteractionResult,
  Moved,
  PersonExport,
} from "./profile-rpc";
import { messageHistory } from "../core/flows/history";
import type { DispatchRequest } from "./messaging";
import { PersonFlows, type PersonHost } from "./person-flows";
import { heldIdentifiers } from "./held-identifiers";
import { identityTasks } from "./identity-tasks";
import { PersonRate } from "./rate-policies";

const COMPACT_EVERY_MS = 24 * 60 * 60 * 1000;
/** An erasure job the Worker never confirmed is dropped after this long (it holds identifiers). */
const ERASURE_JOB_MAX_MS = 24 * 60 * 60 * 1000;
/** An interrupted hand-over is retried by the absorbed object's alarm this often. */
export const HANDOVER_RETRY_MS = 30_000;

const moved = (to: string): Moved => ({ ok: false, code: "moved", to });

/** One person: their events, orders, live profile and identity history, in the object's own SQLite storage. */
export class ProfileObject extends DurableObject<Env> {
  private readonly store: ProfileStorage;
  private state: ProfileState | null;
  private currentRoute: Route;
  /** Erased here, and not yet started afresh (kept in memory: checked on every batch). */
  private erased: boolean;
  /** Whether identity tasks are open (kept in memory, so a batch without any costs no query). */
  private openTasks: boolean;
  private readonly rate: PersonRate;
  private compactionScheduled = false;
  private readonly absorbing = new Map<string, Promise<AbsorbResult>>();
  private readonly flows: PersonFlows;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ProfileStorage(ctx.storage);
    this.store.migrate();
    this.flows = new PersonFlows(this.flowsHost(), env, ctx.storage);
    this.state = this.store.openState();
    this.currentRoute = this.store.route();
    this.erased = this.store.erasedAt() !== null;
    this.openTasks = this.store.tasks().length > 0;
    this.rate = new PersonRate(env, Date.now());
  }

  get profileId(): string {
    return this.ctx.id.toString();
  }

  async ingest(request: IngestRequest): Promise<IngestResult> {
    const refused = this.refusal(request);
    if (refused) return refused;
    const limited = this.rate.take(request.events.length, request.receivedAt);
    if (limited) return { ok: false, code: "rate_limited", ...limited };
    const nudges = await checkNudges(
      this.env,
      request.shopId,
      () => new Set([this.profileId, ...this.store.absorbed()]),
      request.events,
      request.receivedAt,
    );
    if (!nudges.ok) return { ok: false, code: "invalid_token", index: nudges.index };
    // The await above let other calls in (a merge, an erasure): look again before touching state.
    const refusedNow = this.refusal(request);
    if (refusedNow) return refusedNow;

    // From here to the write nothing is awaited, so the batch applies to the state as it is.
    const events = request.events.map((incoming) => {
      const decision = nudges.decisions.get(incoming.event);
      return decision ? { ...incoming, decision: { id: decision.id, expired: decision.expired } } : incoming;
    });
    const current = this.state ?? emptyProfile(this.profileId, request.receivedAt);
    const { outcome, counts } = this.store.transaction(() => this.applyAndWrite(current, events, request));
    // A visitor with nothing stored yet is decided for as an empty profile, and stays unstored.
    const decided = request.decide ? this.decide(request, this.state ?? current) : null;
    await this.scheduleCompaction();
    if (this.state?.flows) await this.flows.tellOutbox(request.shopId, "batch");
    const decisions = decided ? await signDecisions(this.env, request.shopId, this.profileId, decided.decisions, request.receivedAt) : [];
    const count = (reason: string) => outcome.skipped.filter((skip) => skip.reason === reason).length;
    return {
      ok: true,
      profileId: this.profileId,
      stored: outcome.stored.length,
      duplicates: count("duplicate") + count("expired_token"),
      withoutConsent: count("no_consent"),
      tasks: this.openTasks ? this.store.tasks() : [],
      decisions,
      candidates: decided?.candidates ?? [],
      interactions: interactionsOf(outcome.stored, nudges.decisions, this.state, request.receivedAt),
      counts: [...counts, ...(decided?.counts ?? [])],
    };
  }

  /** The cron's send-time check for this person (see person-flows.ts). */
  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    if (this.currentRoute.status !== "active") return { status: "moved", to: this.currentRoute.into };
    return this.state ? this.flows.dispatch(this.state, request) : { status: "empty" };
  }

  /** An open, click or unsubscribe from a message this person was sent. */
  async messageInteraction(request: MessageInteractionRequest): Promise<MessageInteractionResult> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    return this.state ? this.flows.interaction(this.state, request) : { ok: false, code: "unknown_message" };
  }

  /** The owner of an address the person typed confirmed it (double opt-in, see person-flows.ts). */
  async confirmAddress(request: ConfirmAddressRequest): Promise<ConfirmAddressResult> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    return this.state ? this.flows.confirmAddress(this.state, request) : { ok: false, code: "unknown_address" };
  }

  /** Why this object cannot take a batch now: merged away, campaigns unknown, or erased (seen through a stale route). */
  private refusal(request: IngestRequest): IngestResult | null {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    if (request.decide && !knowCampaigns(request.decide)) return { ok: false, code: "need_campaigns" };
    if (!this.erased) return null;
    // A stale route (a cache, the index) must not revive an erased person; the home starts afresh.
    if (!request.viaHome) return { ok: false, code: "erased" };
    this.store.clearErased();
    this.erased = false;
    return null;
  }

  /**
   * Claims the batch's event ids, applies it to the state, plans its flows and writes what it
   * stored: one transaction, so a throw anywhere leaves neither the claims nor the rows.
   */
  private applyAndWrite(current: ProfileState, events: IncomingEvent[], request: IngestRequest) {
    const ids = events.flatMap(({ event }) => (event.id === null ? [] : [event.id]));
    const seenIds = this.store.claimIds(ids, request.receivedAt);
    const applied = applyBatch(current, events, {
      now: request.receivedAt,
      consentMode: request.source === "server" ? "implied" : request.consentMode,
      seenIds,
      tokenUses: this.store.tokenUses(events.flatMap(({ event, decision }) => (decision ? [`${decision.id}:${event.type}`] : []))),
      ledger: this.store.ledger(events.flatMap(({ event }) => (event.transaction_id === undefined ? [] : [event.transaction_id]))),
      batchConsent: request.batchConsent,
      batchIdentifiers: request.batchIdentifiers,
    });
    const { outcome, counts } = resultsOfBatch(applied, request.results ?? DEFAULT_RESULT_SETTINGS);
    this.store.releaseUnstored(ids, seenIds, outcome.stored);
    if (outcome.stored.length > 0) {
      const planned = this.flows.planned(outcome, request);
      this.writeOutcome(planned.outcome, request);
      counts.push(...planned.counts);
    }
    return { outcome, counts };
  }

  private writeOutcome(outcome: BatchOutcome, request: IngestRequest): void {
    const tasks = identityTasks(this.store, outcome, request);
    this.store.writeBatch(
      outcome.state,
      {
        events: outcome.stored,
        orders: outcome.orders,
        tokenUses: outcome.tokenUses,
        devices: outcome.addedIdentifiers.flatMap((identifier) => (identifier.kind === "anonymous_id" ? [identifier.value] : [])),
        tasks,
      },
      request.receivedAt,
    );
    this.state = outcome.state;
    if (tasks.length > 0) this.openTasks = true;
  }

  /**
   * Decides on the state held now and keeps the sticky assignments it made, and (for a person
   * whose state is kept) the holdouts: held-out people count in results from the decision.
   */
  private decide(request: IngestRequest, subject: ProfileState): (DecisionsOutcome & { counts: ReportCount[] }) | null {
    if (!request.decide) return null;
    const decided = decideNow(this.profileId, subject, request.consentMode, request.segmentRules, request.decide, request.receivedAt);
    if (!this.state) return { ...decided, counts: [] };
    const { timezone } = request.results ?? DEFAULT_RESULT_SETTINGS;
    const held = resultsOfHoldouts(decided.state, heldOut(decided.candidates), request.receivedAt, timezone);
    if (held.state !== subject) {
      this.store.writeState(held.state);
      this.state = held.state;
    }
    return { ...decided, state: held.state, counts: held.counts };
  }

  /** The Worker confirmed these identity tasks in the index. */
  async settleIdentity(done: string[], claimed: ClaimedIdentifier[]): Promise<void> {
    if (this.currentRoute.status !== "active") return;
    this.store.settle(done, claimed);
    this.openTasks = this.store.tasks().length > 0;
  }

  async profile(consentMode: ConsentMode, segmentRules: SegmentRules = {}): Promise<ApiProfile | Moved | null> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    return this.state ? { ...toApiProfile(this.state, consentMode, Date.now(), segmentRules), messages: messageHistory(this.state) } : null;
  }

  /** The start of everything held about the person (GDPR art. 15/20); the rows follow with `exportPage`. */
  async exportData(consentMode: ConsentMode, segmentRules: SegmentRules = {}): Promise<PersonExport | Moved | null> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    if (!this.state) return null;
    return { profile: toApiProfile(this.state, consentMode, Date.now(), segmentRules), head: this.store.head(this.profileId) };
  }

  async exportPage(part: PagedPart, after: number): Promise<Page> {
    return this.store.pages.page(part, after);
  }

  /** Merges another person into this one (this one survives). Idempotent; see merging.ts. */
  async absorb(request: AbsorbRequest): Promise<AbsorbResult> {
    if (this.currentRoute.status !== "active") return { status: "moved", to: this.currentRoute.into };
    const result = await absorbInto(
      {
        profiles: this.profilesHere(),
        profileId: this.profileId,
        store: this.store,
        state: () => this.state,
        setState: (state) => {
          this.state = state;
        },
        route: () => this.currentRoute,
        inFlight: this.absorbing,
        reportCounts: (shopId, counts) => writeReportCounts(this.env, shopId, counts),
      },
      request,
    );
    if (result.status === "merged") {
      this.openTasks = true;
      await this.flows.tellOutbox(request.shopId, "dispatch");
    }
    return result;
  }

  /**
   * First step of being absorbed: unless the two people conflict, this object stops taking events
   * (they go to the survivor) and hands over its data, in pages. Its alarm retries the merge until
   * the survivor confirms, so a crash in between loses nothing.
   */
  async beginHandOver(survivor: string, survivorCustomerId: string | null, cause: MergeCause, shopId: string): Promise<HandOver> {
    const route = this.currentRoute;
    if (route.status !== "active") {
      return route.into === survivor && route.status === "merging" ? this.handOverStart() : { status: "moved", to: route.into };
    }
    if (this.absorbing.has(survivor) && this.profileId < survivor) return { status: "absorbing_you" };
    const own = this.state?.identifiers.customer_id ?? null;
    if (own !== null && survivorCustomerId !== null && own !== survivorCustomerId) {
      this.store.appendAudit({
        at: Date.now(),
        type: "conflict",
        survivor,
        absorbed: [this.profileId],
        ...cause,
        reason: "different_customer_ids",
      });
      return { status: "conflict", reason: "different_customer_ids" };
    }
    this.setRoute({ status: "merging", into: survivor, since: Date.now(), shop_id: shopId, cause });
    await this.ctx.storage.setAlarm(Date.now() + HANDOVER_RETRY_MS);
    return this.handOverStart();
  }

  private handOverStart(): HandOver {
    const first = Object.fromEntries(PAGED_PARTS.map((part) => [part, this.store.pages.page(part, 0)])) as Record<PagedPart, Page>;
    return { status: "ready", head: this.store.head(this.profileId), first };
  }

  /** One page of rows for the survivor this object is handing over to (null for anyone else). */
  async handOverPage(survivor: string, part: PagedPart, after: number): Promise<Page | null> {
    if (this.currentRoute.status !== "merging" || this.currentRoute.into !== survivor) return null;
    return this.store.pages.page(part, after);
  }

  /** The survivor holds the data now: keep only the way to it. */
  async completeHandOver(survivor: string): Promise<void> {
    if (this.currentRoute.status === "active" || this.currentRoute.into !== survivor) return;
    if (this.currentRoute.status === "merged") return;
    const entry: AuditEntry = { at: Date.now(), type: "merged_into", survivor, absorbed: [this.profileId] };
    const route: Route = { status: "merged", into: survivor };
    this.store.forgetAllButRoute(route, entry);
    this.currentRoute = route;
    this.state = null;
    this.openTasks = false;
  }

  /** The merge did not happen after all (a conflict found late, or the survivor moved): go on as before. */
  async cancelHandOver(survivor: string, entry: AuditEntry | null): Promise<void> {
    if (this.currentRoute.status !== "merging" || this.currentRoute.into !== survivor) return;
    this.setRoute({ status: "active" });
    if (entry) this.store.appendAudit(entry);
  }

  /** A survivor was itself absorbed: point straight at the new survivor (no chains to walk). */
  async repoint(survivor: string): Promise<void> {
    if (this.currentRoute.status === "merged" && this.currentRoute.into !== survivor) this.setRoute({ status: "merged", into: survivor });
  }

  /**
   * Erases the person held here (GDPR art. 17), as a job that a retry resumes: the first call
   * records what is still to be done centrally (the people absorbed, every identifier and device)
   * and wipes the data; later calls answer the same job until `finishErasure`.
   */
  async erase(): Promise<EraseResult> {
    const pending = this.store.erasureJob();
    if (pending) return { status: "erasing", job: pending };
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    const absorbed = this.store.absorbed();
    if (!this.state && absorbed.length === 0) return { status: "empty" };
    const now = Date.now();
    const job: ErasureJob = {
      people: [this.profileId, ...absorbed],
      identifiers: heldIdentifiers(this.state, this.store.devices()),
      started_at: now,
    };
    await this.wipe(now, job);
    await this.ctx.storage.setAlarm(now + ERASURE_JOB_MAX_MS);
    return { status: "erasing", job };
  }

  /** Part of a survivor's erasure: wipes whatever this absorbed object still holds, returning its identifiers. */
  async eraseAbsorbed(): Promise<Identifier[]> {
    const identifiers = heldIdentifiers(this.state, this.store.devices());
    await this.wipe(Date.now(), null);
    return identifiers;
  }

  /** The Worker finished the central part of the erasure: nothing of it is kept. */
  async finishErasure(): Promise<void> {
    this.store.finishErasure();
  }

  override async alarm(): Promise<void> {
    if (this.currentRoute.status === "merging") {
      await this.retryHandOver(this.currentRoute);
      return;
    }
    await this.flows.retryOutbox();
    const job = this.store.erasureJob();
    if (job && Date.now() - job.started_at >= ERASURE_JOB_MAX_MS) this.store.finishErasure();
    this.compactionScheduled = false;
    this.compact(Date.now());
    if (this.state) await this.scheduleCompaction();
  }

  /** Summarizes old raw events and forgets old event ids; runs daily from the alarm. */
  compact(now: number): { summarized: number; forgottenIds: number } {
    return this.store.compact(now);
  }

  private async wipe(now: number, job: ErasureJob | null): Promise<void> {
    await this.store.wipe(now, job);
    this.erased = true;
    this.state = null;
    this.currentRoute = { status: "active" };
    this.compactionScheduled = false;
    this.openTasks = false;
  }

  private async retryHandOver(route: Extract<Route, { status: "merging" }>): Promise<void> {
    const profiles = this.profilesHere();
    const survivor = profiles.get(profiles.idFromString(route.into));
    try {
      await survivor.absorb({ absorbedId: this.profileId, shopId: route.shop_id, cause: route.cause });
    } finally {
      if (this.currentRoute.status === "merging") await this.ctx.storage.setAlarm(Date.now() + HANDOVER_RETRY_MS);
    }
  }

  /** The namespace of this object's jurisdiction, where the people it merges with live. */
  private profilesHere(): DurableObjectNamespace<ProfileObject> {
    const jurisdiction = this.ctx.id.jurisdiction as DurableObjectJurisdiction | undefined;
    return jurisdiction ? this.env.PROFILES.jurisdiction(jurisdiction) : this.env.PROFILES;
  }

  private flowsHost(): PersonHost {
    return {
      profileId: this.profileId,
      store: this.store,
      state: () => this.state,
      adopt: (state) => {
        this.state = state;
      },
      active: () => this.currentRoute.status === "active",
      retrySoon: () => this.ctx.storage.setAlarm(Date.now() + HANDOVER_RETRY_MS),
    };
  }

  private setRoute(route: Route): void {
    this.store.setRoute(route);
    this.currentRoute = route;
  }

  private async scheduleCompaction(): Promise<void> {
    if (this.compactionScheduled || !this.state) return;
    this.compactionScheduled = true;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + COMPACT_EVERY_MS);
  }
}
