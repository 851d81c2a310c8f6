CREATE TABLE `catalog_items` (
	`merchant_id` varchar(64) NOT NULL,
	`sku` varchar(64) NOT NULL,
	`name` varchar(200) NOT NULL,
	`price_minor` bigint NOT NULL,
	`currency` char(3) NOT NULL,
	CONSTRAINT `catalog_items_merchant_id_sku_pk` PRIMARY KEY(`merchant_id`,`sku`)
);
--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`region` varchar(32) NOT NULL,
	`beat_at` datetime(6) NOT NULL,
	CONSTRAINT `heartbeats_region` PRIMARY KEY(`region`)
);
--> statement-breakpoint
CREATE TABLE `inventory_deltas` (
	`delta_id` varchar(100) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`store_id` varchar(64) NOT NULL,
	`sku` varchar(64) NOT NULL,
	`quantity` int NOT NULL,
	`reason` varchar(32) NOT NULL,
	`origin_region` varchar(32) NOT NULL,
	`sale_id` varchar(36),
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `inventory_deltas_delta_id` PRIMARY KEY(`delta_id`)
);
--> statement-breakpoint
CREATE TABLE `manager_keys` (
	`id` varchar(64) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`label` varchar(200) NOT NULL,
	`api_key_hash` char(64) NOT NULL,
	CONSTRAINT `manager_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `manager_keys_api_key_hash_uq` UNIQUE(`api_key_hash`)
);
--> statement-breakpoint
CREATE TABLE `merchants` (
	`id` varchar(64) NOT NULL,
	`name` varchar(200) NOT NULL,
	`currency` char(3) NOT NULL,
	`offline_floor_limit_minor` bigint NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `merchants_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` varchar(36) NOT NULL,
	`event_type` varchar(64) NOT NULL,
	`aggregate_id` varchar(36) NOT NULL,
	`payload` json NOT NULL,
	`trace_context` json NOT NULL,
	`attempts` int NOT NULL DEFAULT 0,
	`last_error` varchar(500),
	`created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`available_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	`processed_at` datetime(6),
	CONSTRAINT `outbox_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `payments` (
	`id` varchar(36) NOT NULL,
	`sale_id` varchar(36) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`method` varchar(8) NOT NULL,
	`token` varchar(128),
	`amount_minor` bigint NOT NULL,
	`currency` char(3) NOT NULL,
	`status` varchar(16) NOT NULL,
	`gateway_charge_id` varchar(64),
	`decline_code` varchar(64),
	`attempts` int NOT NULL DEFAULT 0,
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `payments_id` PRIMARY KEY(`id`),
	CONSTRAINT `payments_sale_uq` UNIQUE(`sale_id`)
);
--> statement-breakpoint
CREATE TABLE `sale_lines` (
	`sale_id` varchar(36) NOT NULL,
	`line_no` int NOT NULL,
	`sku` varchar(64) NOT NULL,
	`quantity` int NOT NULL,
	`unit_price_minor` bigint NOT NULL,
	`line_total_minor` bigint NOT NULL,
	CONSTRAINT `sale_lines_sale_id_line_no_pk` PRIMARY KEY(`sale_id`,`line_no`)
);
--> statement-breakpoint
CREATE TABLE `sales` (
	`id` varchar(36) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`store_id` varchar(64) NOT NULL,
	`terminal_id` varchar(64) NOT NULL,
	`origin_region` varchar(32) NOT NULL,
	`idempotency_key` varchar(255) NOT NULL,
	`request_hash` char(64) NOT NULL,
	`status` varchar(16) NOT NULL,
	`total_minor` bigint NOT NULL,
	`currency` char(3) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `sales_id` PRIMARY KEY(`id`),
	CONSTRAINT `sales_merchant_idempotency_uq` UNIQUE(`merchant_id`,`idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `stores` (
	`id` varchar(64) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`region` varchar(32) NOT NULL,
	`name` varchar(200) NOT NULL,
	CONSTRAINT `stores_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `terminals` (
	`id` varchar(64) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`store_id` varchar(64) NOT NULL,
	`label` varchar(200) NOT NULL,
	`api_key_hash` char(64) NOT NULL,
	CONSTRAINT `terminals_id` PRIMARY KEY(`id`),
	CONSTRAINT `terminals_api_key_hash_uq` UNIQUE(`api_key_hash`)
);
--> statement-breakpoint
CREATE INDEX `inventory_deltas_store_sku_idx` ON `inventory_deltas` (`store_id`,`sku`);--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`processed_at`,`available_at`);--> statement-breakpoint
CREATE INDEX `sales_store_created_idx` ON `sales` (`store_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `stores_merchant_idx` ON `stores` (`merchant_id`);