CREATE TABLE `report_counters` (
	`shop_id` text NOT NULL,
	`subject` text NOT NULL,
	`subject_id` text NOT NULL,
	`part` text NOT NULL,
	`day` text NOT NULL,
	`metric` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `subject`, `subject_id`, `part`, `day`, `metric`)
);
