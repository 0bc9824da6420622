CREATE TABLE `aliases` (
	`artifact_id` text NOT NULL,
	`alias` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`artifact_id`, `alias`)
);
--> statement-breakpoint
CREATE INDEX `aliases_version` ON `aliases` (`artifact_id`,`version`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_team` ON `api_keys` (`team_id`);--> statement-breakpoint
CREATE TABLE `artifacts` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `artifacts_project_name` ON `artifacts` (`project_id`,`name`);--> statement-breakpoint
CREATE INDEX `artifacts_project_type` ON `artifacts` (`project_id`,`type`);--> statement-breakpoint
CREATE TABLE `blobs` (
	`team_id` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`r2_key` text NOT NULL,
	`etag` text NOT NULL,
	`verified_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `sha256`)
);
--> statement-breakpoint
CREATE TABLE `draft_changes` (
	`draft_id` text NOT NULL,
	`path` text NOT NULL,
	`line` text,
	`run_id` text,
	PRIMARY KEY(`draft_id`, `path`)
);
--> statement-breakpoint
CREATE TABLE `drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`project_id` text NOT NULL,
	`artifact_name` text NOT NULL,
	`type` text NOT NULL,
	`base_version` integer,
	`distributed_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drafts_distributed` ON `drafts` (`project_id`,`artifact_name`,`distributed_id`);--> statement-breakpoint
CREATE TABLE `index_pages` (
	`team_id` text NOT NULL,
	`digest` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`team_id`, `digest`)
);
--> statement-breakpoint
CREATE TABLE `lineage_edges` (
	`team_id` text NOT NULL,
	`run_id` text NOT NULL,
	`artifact_id` text NOT NULL,
	`version` integer NOT NULL,
	`direction` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`run_id`, `artifact_id`, `version`, `direction`)
);
--> statement-breakpoint
CREATE INDEX `lineage_version` ON `lineage_edges` (`artifact_id`,`version`,`direction`);--> statement-breakpoint
CREATE TABLE `pages` (
	`team_id` text NOT NULL,
	`digest` text NOT NULL,
	`body` text NOT NULL,
	`first_path` text NOT NULL,
	`last_path` text NOT NULL,
	`entry_count` integer NOT NULL,
	`bytes` integer NOT NULL,
	`blobs_verified` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`team_id`, `digest`)
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_team_name` ON `projects` (`team_id`,`name`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`job_type` text DEFAULT '' NOT NULL,
	`group_name` text DEFAULT '' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`summary` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `runs_project_created` ON `runs` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_name_unique` ON `teams` (`name`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`r2_key` text NOT NULL,
	`multipart_upload_id` text,
	`part_size` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `uploads_team_blob` ON `uploads` (`team_id`,`sha256`,`size`);--> statement-breakpoint
CREATE INDEX `uploads_expires` ON `uploads` (`expires_at`);--> statement-breakpoint
CREATE TABLE `versions` (
	`artifact_id` text NOT NULL,
	`number` integer NOT NULL,
	`team_id` text NOT NULL,
	`digest` text NOT NULL,
	`root` text NOT NULL,
	`file_count` integer NOT NULL,
	`total_size` integer NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`run_id` text,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	PRIMARY KEY(`artifact_id`, `number`)
);
--> statement-breakpoint
CREATE INDEX `versions_artifact_digest` ON `versions` (`artifact_id`,`digest`);--> statement-breakpoint
CREATE INDEX `versions_run` ON `versions` (`run_id`);