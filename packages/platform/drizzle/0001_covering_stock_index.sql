CREATE INDEX `inventory_deltas_store_sku_qty_idx` ON `inventory_deltas` (`store_id`,`sku`,`quantity`);--> statement-breakpoint
DROP INDEX `inventory_deltas_store_sku_idx` ON `inventory_deltas`;
