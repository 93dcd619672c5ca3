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

-- Demo campaigns for the storefront at /demo (workers/routes/demo.ts). `definition` is exactly what
-- POST /v1/campaigns stores (campaignSchema with its defaults filled in); the fixed ids keep this idempotent.
-- Products: mug-aurora, mug-basalt, mug-coral (workers/demo/pages.ts).

INSERT OR IGNORE INTO campaigns (id, shop_id, placement, status, definition, created_at, updated_at, deleted_at)
VALUES (
  'cmp_demo_welcome',
  'shop_demo',
  'top_banner',
  'active',
  '{"name":"Demo: welcome","placement":"top_banner","status":"active","priority":10,"audience":{"any":[{"attr":"counters.sessions","op":"eq","value":1},{"attr":"lifecycle","op":"eq","value":"awareness"}]},"trigger":null,"caps":{"per_day":3,"lifetime":null,"stop_after_click":false,"stop_after_conversion":false},"variants":[{"id":"a","weight":100,"content":{"title":"Welcome to the Mug Shop","body":"Handmade mugs, shipped in 2 days.","cta":{"label":"See the mugs","url":"/demo/category/mugs"}}}],"holdout":0,"goal":"welcome","schedule":null}',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);

INSERT OR IGNORE INTO campaigns (id, shop_id, placement, status, definition, created_at, updated_at, deleted_at)
VALUES (
  'cmp_demo_still_thinking',
  'shop_demo',
  'top_banner',
  'active',
  '{"name":"Demo: still thinking about it?","placement":"top_banner","status":"active","priority":20,"audience":{"any":[{"attr":"views.items.mug-aurora","op":"gte","value":3},{"attr":"views.items.mug-basalt","op":"gte","value":3},{"attr":"views.items.mug-coral","op":"gte","value":3}]},"trigger":null,"caps":{"per_day":null,"lifetime":null,"stop_after_click":false,"stop_after_conversion":false},"variants":[{"id":"a","weight":100,"content":{"title":"Still thinking about it?","body":"Your mug is waiting: 10% off with the code below.","cta":{"label":"To the cart","url":"/demo/cart"},"code":"THINK10"}}],"holdout":0,"goal":"general","schedule":null}',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);

INSERT OR IGNORE INTO campaigns (id, shop_id, placement, status, definition, created_at, updated_at, deleted_at)
VALUES (
  'cmp_demo_cart_exit',
  'shop_demo',
  'popup',
  'active',
  '{"name":"Demo: cart exit intent","placement":"popup","status":"active","priority":10,"audience":{"all":[{"attr":"cart.value","op":"gt","value":0}]},"trigger":{"delay_ms":0,"scroll_pct":null,"exit_intent":true,"url_matches":null},"caps":{"per_day":2,"lifetime":null,"stop_after_click":false,"stop_after_conversion":false},"variants":[{"id":"a","weight":100,"content":{"title":"Leaving already?","body":"Your cart is saved. Free shipping on this order if you check out now.","cta":{"label":"Check out","url":"/demo/checkout"}}}],"holdout":0,"goal":"general","schedule":null}',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);

INSERT OR IGNORE INTO campaigns (id, shop_id, placement, status, definition, created_at, updated_at, deleted_at)
VALUES (
  'cmp_demo_nba_complete',
  'shop_demo',
  'nba',
  'active',
  '{"name":"Demo: next best action, complete the purchase","placement":"nba","status":"active","priority":0,"audience":{"all":[{"attr":"cart.value","op":"gt","value":0}]},"trigger":null,"caps":{"per_day":null,"lifetime":null,"stop_after_click":false,"stop_after_conversion":false},"variants":[{"id":"a","weight":100,"content":{"title":"Your cart is waiting","body":"Check out now and it ships tomorrow.","cta":{"label":"Check out","url":"/demo/checkout"}}}],"holdout":0,"goal":"general","action":"complete_purchase","schedule":null}',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);

INSERT OR IGNORE INTO campaigns (id, shop_id, placement, status, definition, created_at, updated_at, deleted_at)
VALUES (
  'cmp_demo_cross_sell',
  'shop_demo',
  'inline:hero',
  'active',
  '{"name":"Demo: post-purchase cross-sell","placement":"inline:hero","status":"active","priority":10,"audience":{"all":[{"attr":"orders.count","op":"gte","value":1}]},"trigger":null,"caps":{"per_day":null,"lifetime":null,"stop_after_click":false,"stop_after_conversion":false},"variants":[{"id":"a","weight":100,"content":{"title":"Thanks for your order!","body":"The Coral mug goes well with your new one.","cta":{"label":"See the mugs","url":"/demo/category/mugs"},"items":[{"item_id":"mug-coral","item_name":"Coral mug","price":16,"url":"/demo/product/mug-coral"}]}}],"holdout":0,"goal":"general","schedule":null}',
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  NULL
);

-- The built-in messaging flows (core/flows/built-in.ts), switched on for the demo shop with their
-- built-in definitions (definition NULL follows the built-in). INSERT OR IGNORE: a flow switched
-- off or edited later through /v1/flows stays as it was.
INSERT OR IGNORE INTO flows (shop_id, id, definition, enabled, created_at, updated_at, deleted_at)
SELECT 'shop_demo', value, NULL, 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), NULL
FROM json_each('["cart_abandonment","browse_abandonment","welcome","post_purchase","replenishment","win_back","vip_anniversary","birthday"]');
