CREATE TABLE `nba_stats` (
	`shop_id` text NOT NULL,
	`segment` text NOT NULL,
	`action` text NOT NULL,
	`trials` integer DEFAULT 0 NOT NULL,
	`successes` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `segment`, `action`)
);
