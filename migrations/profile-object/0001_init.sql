-- Storage of one ProfileObject (one person). Applied by durable-objects/profile-storage.ts.
CREATE TABLE IF NOT EXISTS state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE TABLE IF NOT EXISTS seen_events (
  event_id TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_events_seen_at ON seen_events (seen_at);
CREATE TABLE IF NOT EXISTS orders (
  transaction_id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  value REAL NOT NULL,
  currency TEXT,
  refunded REAL NOT NULL,
  items TEXT NOT NULL
);
-- Raw events beyond the retention window are folded into one row per day and type.
CREATE TABLE IF NOT EXISTS event_summary (
  day TEXT NOT NULL,
  type TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, type)
);
