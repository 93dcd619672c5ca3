-- Demo shop for `npm start`. Idempotent: INSERT OR IGNORE never overwrites a row, so
-- running it again neither fails nor resets settings changed later through PUT /v1/settings.
--
-- Layout matches workers/db/shops.ts: name, timezone, allowed_origins, consent_mode are columns;
-- the other settings (smart_sending_hours, quiet_hours, channels, identity_verification) are JSON
-- in `settings`. The identity secret `ids_demo` is stored as it is (the Worker signs with it).
-- Timestamps are epoch milliseconds.
--
-- Keys (workers/db/keys.ts): the site key is stored as it is; the secret key `sk_demo` only as
-- the lowercase hex SHA-256 of its UTF-8 bytes (printf sk_demo | sha256sum).

INSERT OR IGNORE INTO shops (id, name, timezone, allowed_origins, consent_mode, settings, identity_secret, created_at, updated_at)
VALUES (
  'shop_demo',
  'Demo shop',
  'Europe/Berlin',
  '["http://localhost:*","http://127.0.0.1:*"]',
  'implied',
  '{"smart_sending_hours":16,"rate_limit":{"per_second":100000,"burst":100000},"quiet_hours":{"start":"21:00","end":"08:00"},"identity_verification":"off","channels":{"webhook":{"url":"http://127.0.0.1:8788/webhook","secret":"whsec_demo"},"email":null,"sms":null}}',
  'ids_demo',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
);

-- A demo shop seeded before identity verification existed (migration 0004 gave it a random
-- secret) gets the demo's secret and setting once; the stored setting marks it as done, so a
-- later rotation or PUT /v1/settings survives restarts.
UPDATE shops
SET identity_secret = 'ids_demo', settings = json_set(settings, '$.identity_verification', 'off')
WHERE id = 'shop_demo' AND json_extract(settings, '$.identity_verification') IS NULL;

INSERT OR IGNORE INTO api_keys (id, shop_id, kind, site_key, token_hash, prefix, created_at, revoked_at)
VALUES (
  'key_demo_site',
  'shop_demo',
  'site',
  'pk_demo',
  NULL,
  'pk_demo',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);

INSERT OR IGNORE INTO api_keys (id, shop_id, kind, site_key, token_hash, prefix, created_at, revoked_at)
VALUES (
  'key_demo_secret',
  'shop_demo',
  'secret',
  NULL,
  'ab4f4d87468ad201748a0a592342c4b9c02480bdf855e35b98e91c6399fc1107',
  'sk_demo',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);
