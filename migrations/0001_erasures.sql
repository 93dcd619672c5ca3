CREATE TABLE `erasures` (
	`shop_id` text NOT NULL,
	`identifier_hash` text NOT NULL,
	`erased_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `identifier_hash`)
);
