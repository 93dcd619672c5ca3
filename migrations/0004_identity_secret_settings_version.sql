ALTER TABLE `identities` ADD `verified` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `identity_secret` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `people_since` integer;--> statement-breakpoint
-- Existing shops get a random identity secret (the Worker signs with it, so it is stored as it is)
-- and the time their first person was indexed.
UPDATE `shops` SET
  `identity_secret` = 'ids_' || lower(hex(randomblob(24))),
  `people_since` = (SELECT min(`created_at`) FROM `identities` WHERE `identities`.`shop_id` = `shops`.`id`);
