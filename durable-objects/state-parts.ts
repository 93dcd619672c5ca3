import { upgradeState } from "../core/profile";
import type { ProfileState } from "../core/types";

/**
 * The person's state, stored in parts: the large ones that most batches leave alone (views,
 * orders, campaign history, assignments, flows, results) under their own keys of the `state`
 * table, the rest under `profile`. A write stores only the parts that are not the objects last
 * written (batches share unchanged parts with the state before them, so a changed part is a new
 * object), and reading puts them back together.
 */
const STATE_PARTS = ["views", "orders", "campaigns", "assignments", "flows", "results"] as const;
type StatePart = (typeof STATE_PARTS)[number];
export type WrittenParts = ReadonlyMap<StatePart, unknown>;

const PREFIX = "profile.";

export function readStateParts(sql: SqlStorage): { state: ProfileState; written: WrittenParts } | null {
  const stored = sql.exec<{ value: string }>("SELECT value FROM state WHERE key = 'profile'").toArray()[0];
  if (!stored) return null;
  const parts = sql.exec<{ key: string; value: string }>("SELECT key, value FROM state WHERE key LIKE 'profile.%'").toArray();
  const state = JSON.parse(stored.value) as Record<string, unknown>;
  for (const row of parts) state[row.key.slice(PREFIX.length)] = JSON.parse(row.value);
  const upgraded = upgradeState(state as unknown as ProfileState);
  // Only parts read from their own keys count as written: a state stored whole by an earlier
  // version has its parts inside `profile`, and the next write moves them out.
  const own = new Set(parts.map((row) => row.key.slice(PREFIX.length)));
  return { state: upgraded, written: new Map(STATE_PARTS.filter((part) => own.has(part)).map((part) => [part, upgraded[part]])) };
}

/** Writes `state` given the parts last written; returns what is written now. Call within a transaction. */
export function writeStateParts(sql: SqlStorage, state: ProfileState, before: WrittenParts): WrittenParts {
  const rest: Partial<ProfileState> = { ...state };
  const written = new Map(before);
  for (const part of STATE_PARTS) {
    delete rest[part];
    const value = state[part];
    if (written.has(part) && written.get(part) === value) continue;
    if (value === undefined) sql.exec("DELETE FROM state WHERE key = ?", `${PREFIX}${part}`);
    else sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", `${PREFIX}${part}`, JSON.stringify(value));
    written.set(part, value);
  }
  sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('profile', ?)", JSON.stringify(rest));
  return written;
}
