CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`placement` text NOT NULL,
	`status` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaigns_shop_idx` ON `campaigns` (`shop_id`,`status`);