CREATE TABLE `flows` (
	`shop_id` text NOT NULL,
	`id` text NOT NULL,
	`definition` text,
	`enabled` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	PRIMARY KEY(`shop_id`, `id`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`shop_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`due_at` integer,
	`seq` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	PRIMARY KEY(`shop_id`, `profile_id`)
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`due_at`);