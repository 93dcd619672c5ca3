import { applyActivity } from "./activity";
import { applyCartEvent, emptyCart } from "./cart";
import { applyConsentChoices, hasConsent } from "./consent";
import { recordConversion, recordInteraction } from "./eligibility";
import { applyOrderEvent, emptyOrders, type OrderLedger, type OrderOutcome, type OrderRecord } from "./orders";
import type { ConsentMode, ConsentPurpose, Identifier, IdentifierKind, ProfileState, TrackedEvent, TraitValue } from "./types";

export const MAX_TRAITS = 50;
export const MAX_ANONYMOUS_IDS = 50;

export function emptyProfile(profileId: string, now: number): ProfileState {
  return {
    profile_id: profileId,
    identifiers: { anonymous_ids: [] },
    traits: {},
    consent_choices: {},
    subscriptions: {},
    counters: { events: 0, page_views: 0, sessions: 0 },
    session: null,
    session_starts: [],
    views: { items: {}, category: {}, recent: [] },
    searches: { count: 0, recent: [] },
    cart: emptyCart(),
    orders: emptyOrders(),
    campaigns: {},
    assignments: {},
    first_seen_at: null,
    last_seen_at: null,
    created_at: now,
    updated_at: now,
  };
}

/** A state stored by an earlier version gains the fields added since (with empty values). */
export function upgradeState(stored: ProfileState): ProfileState {
  return { ...emptyProfile(stored.profile_id, stored.created_at), ...stored };
}

export interface IncomingEvent {
  event: TrackedEvent;
  /** Identifiers the event names its person by (the device's anonymous id, a server event's ids). */
  identifiers: Identifier[];
  /**
   * Kinds of a browser identify's identifiers that no `user_hash` proves (identity verification):
   * they are recorded as unverified claims of this device's person, never as its identifiers.
   */
  unproven?: IdentifierKind[];
  /** The decision a `nudge_*` event reports, from its verified token: counted once per kind. */
  decision?: { id: string; expired: boolean };
}

/** An email, customer id or phone that stored events named, and whether it was proven. */
export interface NamedIdentifier extends Identifier {
  verified: boolean;
}

export interface BatchContext {
  now: number;
  consentMode: ConsentMode;
  /** Event ids this person has already stored (within the de-duplication window). */
  seenIds: ReadonlySet<string>;
  /** Ledger rows of the orders the batch's purchases and refunds name. */
  ledger: OrderLedger;
  /** A browser batch's consent state, applied before its events when it changes a choice. */
  batchConsent?: Partial<Record<ConsentPurpose, boolean>> | null;
  /** Identifiers the whole batch names its person by (a browser batch's device id). */
  batchIdentifiers?: Identifier[];
  /** Decision outcomes already counted (`<decision id>:<event type>`). */
  tokenUses?: ReadonlySet<string>;
}

/** `duplicate`: an event id or a decision outcome counted before; `expired_token`: a decision older than its token's life. */
export type SkipReason = "duplicate" | "no_consent" | "expired_token";

export interface BatchOutcome {
  state: ProfileState;
  stored: TrackedEvent[];
  skipped: { index: number; id: string | null; reason: SkipReason }[];
  orders: OrderRecord[];
  addedIdentifiers: Identifier[];
  /** Every email, customer id or phone the stored events name (new or not): what identity reconciles. */
  namedIdentifiers: NamedIdentifier[];
  /** Decision outcomes counted by this batch (`<decision id>:<event type>`). */
  tokenUses: string[];
  /** What each stored purchase or refund changed in the person's orders (results credit and refund by it). */
  orderChanges: Map<TrackedEvent, OrderChange>;
}

/** A purchase that added an order, or a refund that took `amount` off one (`full`: nothing of it is left). */
export type OrderChange =
  | { kind: "order"; transaction_id: string; at: number; value: number }
  | { kind: "refund"; transaction_id: string; amount: number; full: boolean };

function orderChangeOf(event: TrackedEvent, before: OrderRecord | undefined, outcome: OrderOutcome): OrderChange | null {
  const record = outcome.record;
  if (!record || outcome.reason === "duplicate_transaction") return null;
  if (outcome.reason === "order_added") return { kind: "order", transaction_id: record.transaction_id, at: event.ts, value: record.value };
  const amount = record.refunded - (before?.refunded ?? 0);
  return { kind: "refund", transaction_id: record.transaction_id, amount, full: record.refunded >= record.value };
}

function addIdentifier(state: ProfileState, identifier: Identifier): boolean {
  const ids = state.identifiers;
  if (identifier.kind === "anonymous_id") {
    if (ids.anonymous_ids.includes(identifier.value)) return false;
    ids.anonymous_ids = [...ids.anonymous_ids, identifier.value].slice(-MAX_ANONYMOUS_IDS);
    return true;
  }
  if (ids[identifier.kind] === identifier.value) return false;
  ids[identifier.kind] = identifier.value;
  return true;
}

const UNVERIFIED_LIMIT = 10;

/** An unproven claim stays a claim: kept apart from the person's identifiers, so it routes and merges nothing. */
function recordUnverified(state: ProfileState, identifier: Identifier): void {
  if (identifier.kind === "anonymous_id" || state.identifiers[identifier.kind] === identifier.value) return;
  const claims = (state.identifiers.unverified ?? []).filter(
    (claim) => !(claim.kind === identifier.kind && claim.value === identifier.value),
  );
  state.identifiers.unverified = [...claims, { kind: identifier.kind, value: identifier.value }].slice(-UNVERIFIED_LIMIT);
}

/** A proven identifier is the person's: an earlier unverified claim of it is settled. */
function dropUnverified(state: ProfileState, identifier: Identifier): void {
  const claims = state.identifiers.unverified;
  if (!claims) return;
  const left = claims.filter((claim) => !(claim.kind === identifier.kind && claim.value === identifier.value));
  if (left.length === 0) delete state.identifiers.unverified;
  else if (left.length !== claims.length) state.identifiers.unverified = left;
}

function applyTraits(state: ProfileState, event: TrackedEvent, unproven: readonly IdentifierKind[]): NamedIdentifier[] {
  const found: NamedIdentifier[] = [];
  for (const [key, value] of Object.entries(event.traits ?? {})) {
    if (value === undefined) continue;
    if ((key === "email" || key === "customer_id" || key === "phone") && typeof value === "string") {
      const verified = !unproven.includes(key) || state.identifiers[key] === value;
      if (!verified) recordUnverified(state, { kind: key, value });
      found.push({ kind: key, value, verified });
    } else if (value === null) {
      delete state.traits[key];
    } else if (Object.hasOwn(state.traits, key) || Object.keys(state.traits).length < MAX_TRAITS) {
      state.traits[key] = value as TraitValue;
    }
  }
  return found;
}

function consentEventFor(batchConsent: BatchContext["batchConsent"], state: ProfileState, ts: number): TrackedEvent | null {
  if (!batchConsent) return null;
  const changes = Object.entries(batchConsent).filter(
    ([purpose, value]) => state.consent_choices[purpose as ConsentPurpose]?.value !== value,
  );
  return changes.length === 0 ? null : { id: null, type: "consent", ts, consent: Object.fromEntries(changes) };
}

/**
 * Analytics consent decides what is stored. A consent event is stored when it grants analytics,
 * or when it records a choice for a person already known (a revocation must be remembered); in a
 * consent-required shop nothing of an unknown visitor is kept until analytics is granted.
 */
function mayStore(state: ProfileState, event: TrackedEvent, mode: ConsentMode): boolean {
  if (event.type !== "consent") return hasConsent(state.consent_choices, "analytics", mode);
  const choices = applyConsentChoices(state.consent_choices, event);
  return hasConsent(choices, "analytics", mode) || mode === "implied" || state.counters.events > 0;
}

function applyStoredEvent(
  state: ProfileState,
  { event, unproven }: IncomingEvent,
  ledger: OrderLedger,
  orders: Map<string, OrderRecord>,
  changes: Map<TrackedEvent, OrderChange>,
): NamedIdentifier[] {
  applyActivity(state, event);
  state.cart = applyCartEvent(state.cart, event);
  switch (event.type) {
    case "purchase":
    case "refund": {
      const before = ledger.get(event.transaction_id ?? "");
      const outcome = applyOrderEvent(state.orders, event, ledger);
      const change = orderChangeOf(event, before, outcome);
      if (change) changes.set(event, change);
      if (outcome.reason === "order_added")
        state.campaigns = recordConversion(state.campaigns, event.ts, CONVERSION_WINDOW_MS, true).history;
      state.orders = outcome.orders;
      if (outcome.record) {
        ledger.set(outcome.record.transaction_id, outcome.record);
        orders.set(outcome.record.transaction_id, outcome.record);
      }
      return [];
    }
    case "identify":
      return applyTraits(state, event, unproven ?? []);
    case "subscribe":
    case "unsubscribe":
      if (event.channel) state.subscriptions[event.channel] = { value: event.type === "subscribe", at: event.ts };
      return [];
    case "nudge_impression":
    case "nudge_click":
    case "nudge_dismiss":
      if (event.campaign_id) state.campaigns = recordInteraction(state.campaigns, event.campaign_id, INTERACTIONS[event.type], event.ts);
      return [];
    default:
      return [];
  }
}

const INTERACTIONS = { nudge_impression: "impression", nudge_click: "click", nudge_dismiss: "dismiss" } as const;
/** A purchase converts the campaigns seen or clicked in the week before it (stop after conversion). */
export const CONVERSION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A copy of the state that a batch may change in place: the containers the event handlers write
 * into are copied (a level deep), everything else is shared, since it is only ever replaced
 * (cart, orders, campaigns, flows, results are rebuilt by their own pure functions). A deep clone
 * cost more than the rest of a batch for a person with a long history.
 */
function copyForBatch(state: ProfileState, events: readonly IncomingEvent[]): ProfileState {
  // Views are the largest part and only item views write them: other batches keep them as they are.
  const viewsItems = events.some(({ event }) => event.type === "view_item");
  return {
    ...state,
    identifiers: { ...state.identifiers },
    traits: { ...state.traits },
    subscriptions: { ...state.subscriptions },
    counters: { ...state.counters },
    session: state.session && { ...state.session },
    views: viewsItems ? { ...state.views, items: { ...state.views.items }, category: { ...state.views.category } } : state.views,
    searches: { ...state.searches },
  };
}

/**
 * Applies a batch to a person's live state. De-duplicates by event id (against `seenIds` and
 * within the batch) and stores nothing for which analytics consent is missing. Returns the new
 * state, the events to store, the skipped ones with their reason, and the ledger rows to write;
 * `state` is not modified.
 */
export function applyBatch(current: ProfileState, incoming: readonly IncomingEvent[], ctx: BatchContext): BatchOutcome {
  const state = copyForBatch(current, incoming);
  const ledger: OrderLedger = new Map(ctx.ledger);
  const seen = new Set(ctx.seenIds);
  const uses = new Set(ctx.tokenUses);
  const outcome: BatchOutcome = {
    state,
    stored: [],
    skipped: [],
    orders: [],
    addedIdentifiers: [],
    namedIdentifiers: [],
    tokenUses: [],
    orderChanges: new Map(),
  };
  const orders = new Map<string, OrderRecord>();
  const firstTs = incoming.reduce((min, { event }) => Math.min(min, event.ts), ctx.now);
  const batchConsent = consentEventFor(ctx.batchConsent, state, firstTs);
  const all: IncomingEvent[] = batchConsent
    ? [{ event: batchConsent, identifiers: ctx.batchIdentifiers ?? [] }, ...incoming]
    : [...incoming];

  all.forEach((entry, position) => {
    const { event, identifiers, decision } = entry;
    const index = batchConsent ? position - 1 : position;
    const use = decision ? `${decision.id}:${event.type}` : null;
    if ((event.id !== null && seen.has(event.id)) || (use !== null && uses.has(use))) {
      outcome.skipped.push({ index, id: event.id, reason: "duplicate" });
      return;
    }
    if (decision?.expired) {
      outcome.skipped.push({ index, id: event.id, reason: "expired_token" });
      return;
    }
    if (!mayStore(state, event, ctx.consentMode)) {
      if (index >= 0) outcome.skipped.push({ index, id: event.id, reason: "no_consent" });
      return;
    }
    if (event.type === "consent") state.consent_choices = applyConsentChoices(state.consent_choices, event);
    if (event.id !== null) seen.add(event.id);
    if (use !== null) {
      uses.add(use);
      outcome.tokenUses.push(use);
    }
    const named = [
      ...identifiers.map((identifier) => ({ ...identifier, verified: true })),
      ...applyStoredEvent(state, entry, ledger, orders, outcome.orderChanges),
    ];
    for (const identifier of named) noteIdentifier(state, outcome, identifier);
    outcome.stored.push(event);
  });

  outcome.orders = [...orders.values()];
  if (outcome.stored.length > 0) state.updated_at = ctx.now;
  return outcome;
}

function noteIdentifier(state: ProfileState, outcome: BatchOutcome, named: NamedIdentifier): void {
  const identifier: Identifier = { kind: named.kind, value: named.value };
  if (named.verified) {
    if (addIdentifier(state, identifier)) outcome.addedIdentifiers.push(identifier);
    dropUnverified(state, identifier);
  }
  if (identifier.kind === "anonymous_id") return;
  const known = outcome.namedIdentifiers.find((i) => i.kind === identifier.kind && i.value === identifier.value);
  if (!known) outcome.namedIdentifiers.push(named);
  else if (named.verified) known.verified = true;
}
