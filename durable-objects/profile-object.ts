import { DurableObject } from "cloudflare:workers";
import type { Candidate } from "../core/decide";
import type { AuditEntry, MergeCause, Route } from "../core/identity";
import { applyBatch, emptyProfile, type IncomingEvent } from "../core/profile";
import { toApiProfile, type ApiProfile } from "../core/profile-view";
import { fullBucket, takeTokens, type Bucket, type BucketPolicy } from "../core/rate-limit";
import type { SegmentRules } from "../core/segments";
import type { ConsentMode, ConsentPurpose, Identifier, ProfileState } from "../core/types";
import { absorbInto, type AbsorbRequest, type AbsorbResult, type HandOver } from "./merging";
import { checkNudges, decideFor, interactionsOf, knowCampaigns, type DecideRequest, type Interaction, type SignedDecision } from "./decisions";
import { ProfileStorage, type ProfileDump } from "./profile-storage";

/**
 * A person absorbs bursts (50 concurrent batches pass) but not a sustained flood. Batches are
 * limited as configured (PROFILE_BATCH_BURST / PROFILE_BATCH_RATE); events allow full batches.
 */
export function ratePolicies(env: Pick<Env, "PROFILE_BATCH_BURST" | "PROFILE_BATCH_RATE">): { batches: BucketPolicy; events: BucketPolicy } {
  const burst = Math.max(1, Number(env.PROFILE_BATCH_BURST) || 100);
  const rate = Math.max(0.1, Number(env.PROFILE_BATCH_RATE) || 20);
  return {
    batches: { capacity: burst, refill_per_second: rate },
    events: { capacity: burst * 50, refill_per_second: rate * 50 },
  };
}

const COMPACT_EVERY_MS = 24 * 60 * 60 * 1000;
/** An interrupted hand-over is retried by the absorbed object's alarm this often. */
export const HANDOVER_RETRY_MS = 30_000;

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
  /** Placements to decide after the events are applied (collect's `placements`, `/v1/decide`). */
  decide?: DecideRequest | undefined;
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
      namedIdentifiers: Identifier[];
      decisions: SignedDecision[];
      candidates: Candidate[];
      interactions: Interaction[];
    }
  | { ok: false; code: "rate_limited"; retryAfterSeconds: number }
  | { ok: false; code: "invalid_token"; index: number }
  /** Decisions were asked with a campaigns version this isolate does not know: send them along. */
  | { ok: false; code: "need_campaigns" }
  | Moved
  | Erased;

export interface PersonExport {
  profile: ApiProfile | null;
  dump: ProfileDump;
}

const moved = (to: string): Moved => ({ ok: false, code: "moved", to });

/** One person: their events, orders, live profile and identity history, in the object's own SQLite storage. */
export class ProfileObject extends DurableObject<Env> {
  private readonly store: ProfileStorage;
  private state: ProfileState | null;
  private currentRoute: Route;
  /** Erased here, and not yet started afresh (kept in memory: checked on every batch). */
  private erased: boolean;
  private readonly policies: ReturnType<typeof ratePolicies>;
  private batches: Bucket;
  private events: Bucket;
  private compactionScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ProfileStorage(ctx.storage);
    this.store.migrate();
    this.state = this.store.loadState();
    this.currentRoute = this.store.route();
    this.erased = this.store.erasedAt() !== null;
    const now = Date.now();
    this.policies = ratePolicies(env);
    this.batches = fullBucket(this.policies.batches, now);
    this.events = fullBucket(this.policies.events, now);
  }

  get profileId(): string {
    return this.ctx.id.toString();
  }

  async ingest(request: IngestRequest): Promise<IngestResult> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    if (request.decide && !knowCampaigns(request.decide)) return { ok: false, code: "need_campaigns" };
    if (this.erased) {
      // A stale route (a cache, the index) must not revive an erased person; the home starts afresh.
      if (!request.viaHome) return { ok: false, code: "erased" };
      this.store.clearErased();
      this.erased = false;
    }
    const limited = this.takeRate(request.events.length, request.receivedAt);
    if (limited) return limited;
    const nudges = await checkNudges(this.env, request.shopId, () => new Set([this.profileId, ...this.store.absorbed()]), request.events);
    if (!nudges.ok) return { ok: false, code: "invalid_token", index: nudges.index };
    const ids = request.events.flatMap(({ event }) => (event.id === null ? [] : [event.id]));
    const transactionIds = request.events.flatMap(({ event }) => (event.transaction_id === undefined ? [] : [event.transaction_id]));
    const current = this.state ?? emptyProfile(this.profileId, request.receivedAt);
    const outcome = applyBatch(current, request.events, {
      now: request.receivedAt,
      consentMode: request.source === "server" ? "implied" : request.consentMode,
      seenIds: this.store.seenIds(ids),
      ledger: this.store.ledger(transactionIds),
      batchConsent: request.batchConsent,
      batchIdentifiers: request.batchIdentifiers,
    });
    // A visitor with nothing stored yet is decided for as an empty profile, and stays unstored.
    const applied = outcome.stored.length > 0 ? outcome.state : this.state;
    const decided = request.decide
      ? await decideFor(this.env, request.shopId, this.profileId, applied ?? current, request.consentMode, request.segmentRules, request.decide, request.receivedAt)
      : null;
    const state = decided && applied ? decided.state : applied;
    if (state && (outcome.stored.length > 0 || state !== this.state)) {
      this.store.writeBatch(state, outcome.stored, outcome.orders, request.receivedAt, request.shopId);
      this.state = state;
      await this.scheduleCompaction();
    }
    const count = (reason: string) => outcome.skipped.filter((skip) => skip.reason === reason).length;
    return {
      ok: true,
      profileId: this.profileId,
      stored: outcome.stored.length,
      duplicates: count("duplicate"),
      withoutConsent: count("no_consent"),
      namedIdentifiers: outcome.namedIdentifiers,
      decisions: decided?.decisions ?? [],
      candidates: decided?.candidates ?? [],
      interactions: interactionsOf(outcome.stored, nudges.placements, this.state, request.receivedAt),
    };
  }

  async profile(consentMode: ConsentMode, segmentRules: SegmentRules = {}): Promise<ApiProfile | Moved | null> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    return this.state ? toApiProfile(this.state, consentMode, Date.now(), segmentRules) : null;
  }

  /** Everything held about the person (GDPR art. 15/20), absorbed people's data included. */
  async exportData(consentMode: ConsentMode, segmentRules: SegmentRules = {}): Promise<PersonExport | Moved | null> {
    if (this.currentRoute.status !== "active") return moved(this.currentRoute.into);
    if (!this.state) return null;
    return { profile: toApiProfile(this.state, consentMode, Date.now(), segmentRules), dump: this.store.dump(this.profileId) };
  }

  /** Merges another person into this one (this one survives). Idempotent; see merging.ts. */
  async absorb(request: AbsorbRequest): Promise<AbsorbResult> {
    if (this.currentRoute.status !== "active") return { status: "moved", to: this.currentRoute.into };
    return absorbInto(
      {
        env: this.env,
        profiles: this.profilesHere(),
        profileId: this.profileId,
        store: this.store,
        state: () => this.state,
        setState: (state) => {
          this.state = state;
        },
        route: () => this.currentRoute,
      },
      request,
    );
  }

  /**
   * First step of being absorbed: unless the two people conflict, this object stops taking events
   * (they go to the survivor) and hands over its data. Its alarm retries the merge until the
   * survivor confirms, so a crash in between loses nothing.
   */
  async beginHandOver(survivor: string, survivorCustomerId: string | null, cause: MergeCause, shopId: string): Promise<HandOver> {
    const route = this.currentRoute;
    if (route.status !== "active") {
      return route.into === survivor && route.status === "merging" ? { status: "dump", dump: this.store.dump(this.profileId) } : { status: "moved", to: route.into };
    }
    const own = this.state?.identifiers.customer_id ?? null;
    if (own !== null && survivorCustomerId !== null && own !== survivorCustomerId) {
      this.store.appendAudit({ at: Date.now(), type: "conflict", survivor, absorbed: [this.profileId], ...cause, reason: "different_customer_ids" });
      return { status: "conflict", reason: "different_customer_ids" };
    }
    this.setRoute({ status: "merging", into: survivor, since: Date.now(), shop_id: shopId, cause });
    await this.ctx.storage.setAlarm(Date.now() + HANDOVER_RETRY_MS);
    return { status: "dump", dump: this.store.dump(this.profileId) };
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

  /** Erases the person held here (GDPR art. 17): the object is as new afterwards. */
  async erase(): Promise<{ absorbed: string[]; identifiers: Identifier[] }> {
    const absorbed = this.store.absorbed();
    const ids = this.state?.identifiers;
    const identifiers: Identifier[] = ids
      ? [
          ...ids.anonymous_ids.map((value) => ({ kind: "anonymous_id" as const, value })),
          ...(["email", "customer_id", "phone"] as const).flatMap((kind) => (ids[kind] === undefined ? [] : [{ kind, value: ids[kind] as string }])),
        ]
      : [];
    await this.store.wipe(Date.now());
    this.erased = true;
    this.state = null;
    this.currentRoute = { status: "active" };
    this.compactionScheduled = false;
    return { absorbed, identifiers };
  }

  override async alarm(): Promise<void> {
    if (this.currentRoute.status === "merging") {
      await this.retryHandOver(this.currentRoute);
      return;
    }
    this.compactionScheduled = false;
    this.compact(Date.now());
    if (this.state) await this.scheduleCompaction();
  }

  /** Summarizes old raw events and forgets old event ids; runs daily from the alarm. */
  compact(now: number): { summarized: number; forgottenIds: number } {
    return this.store.compact(now);
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

  private setRoute(route: Route): void {
    this.store.setRoute(route);
    this.currentRoute = route;
  }

  private takeRate(eventCount: number, now: number): IngestResult | null {
    const batch = takeTokens(this.batches, 1, this.policies.batches, now);
    const events = takeTokens(this.events, eventCount, this.policies.events, now);
    if (!batch.ok || !events.ok) {
      const retry = Math.max(batch.ok ? 0 : batch.retry_after_seconds, events.ok ? 0 : events.retry_after_seconds);
      return { ok: false, code: "rate_limited", retryAfterSeconds: retry };
    }
    this.batches = batch.bucket;
    this.events = events.bucket;
    return null;
  }

  private async scheduleCompaction(): Promise<void> {
    if (this.compactionScheduled) return;
    this.compactionScheduled = true;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + COMPACT_EVERY_MS);
  }
}
