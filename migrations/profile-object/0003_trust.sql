-- Every device the person used: the profile shows the latest 50, export and erasure need them all.
CREATE TABLE IF NOT EXISTS devices (
  anonymous_id TEXT PRIMARY KEY,
  first_seen_at INTEGER NOT NULL
);
INSERT OR IGNORE INTO devices (anonymous_id, first_seen_at)
  SELECT ids.value, 0 FROM state, json_each(json_extract(state.value, '$.identifiers.anonymous_ids')) AS ids WHERE state.key = 'profile';
-- Identity work the central index has not confirmed yet (claims, repoints, devices): stored with
-- the batch that caused it and handed to every caller until the Worker settles it.
CREATE TABLE IF NOT EXISTS identity_tasks (
  key TEXT PRIMARY KEY,
  task TEXT NOT NULL
);
-- Identifiers the index confirmed for this person: naming them again costs nothing.
CREATE TABLE IF NOT EXISTS claimed (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  verified INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
);
-- Decision outcomes counted: one impression, click and dismissal per decision token.
CREATE TABLE IF NOT EXISTS token_uses (
  use TEXT PRIMARY KEY,
  used_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS token_uses_used_at ON token_uses (used_at);
-- A hand-over arrives in pages; its rows wait here until the last page is in.
CREATE TABLE IF NOT EXISTS incoming (
  absorbed_id TEXT NOT NULL,
  part TEXT NOT NULL,
  seq INTEGER NOT NULL,
  row TEXT NOT NULL,
  PRIMARY KEY (absorbed_id, part, seq)
);
-- One audit line per distinct refused merge, however often the conflicting identify repeats.
ALTER TABLE audit ADD COLUMN conflict_key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS audit_conflict_key ON audit (conflict_key);
