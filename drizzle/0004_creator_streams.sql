CREATE TABLE "tiktok_affiliate"."creator_open_collaboration_products" (
	"creator_id" text NOT NULL,
	"search_id" text NOT NULL,
	"product_id" text NOT NULL,
	"title" text,
	"shop_name" text,
	"has_inventory" boolean,
	"units_sold" integer,
	"sale_region" text,
	"main_image_url" text,
	"detail_link" text,
	"original_price_min_amount" numeric(20, 4),
	"original_price_max_amount" numeric(20, 4),
	"original_price_currency" text,
	"sales_price_min_amount" numeric(20, 4),
	"sales_price_max_amount" numeric(20, 4),
	"sales_price_currency" text,
	"category_chains" jsonb,
	"commission_rate_bps" integer,
	"commission_amount" numeric(20, 4),
	"commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "creator_open_collaboration_products_pkey" PRIMARY KEY("creator_id","search_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_target_collaboration_products" (
	"creator_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"target_collaboration_id" text NOT NULL,
	"product_id" text NOT NULL,
	"title" text,
	"main_image_url" text,
	"commission_rate_bps" integer,
	"commission_amount" numeric(20, 4),
	"commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "creator_target_collaboration_products_pkey" PRIMARY KEY("creator_id","shop_id","target_collaboration_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_target_collaborations" (
	"creator_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"target_collaboration_id" text NOT NULL,
	"name" text,
	"status" text,
	"product_count" integer,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "creator_target_collaborations_pkey" PRIMARY KEY("creator_id","shop_id","target_collaboration_id")
);
--> statement-breakpoint
ALTER TABLE "etl"."schedules" DROP CONSTRAINT "schedules_stream_check";--> statement-breakpoint
ALTER TABLE "etl"."sync_runs" DROP CONSTRAINT "sync_runs_stream_check";--> statement-breakpoint
ALTER TABLE "etl"."sync_state" DROP CONSTRAINT "sync_state_stream_check";--> statement-breakpoint
CREATE INDEX "creator_open_collaboration_products_product_idx" ON "tiktok_affiliate"."creator_open_collaboration_products" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "creator_open_collaboration_products_active_idx" ON "tiktok_affiliate"."creator_open_collaboration_products" USING btree ("search_id","commission_rate_bps") WHERE is_active;--> statement-breakpoint
CREATE INDEX "creator_target_collaboration_products_product_idx" ON "tiktok_affiliate"."creator_target_collaboration_products" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "creator_target_collaborations_active_idx" ON "tiktok_affiliate"."creator_target_collaborations" USING btree ("creator_id","status") WHERE is_active;--> statement-breakpoint
ALTER TABLE "etl"."schedules" ADD CONSTRAINT "schedules_stream_check" CHECK ("etl"."schedules"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance', 'creator_target_collaborations', 'creator_open_collaboration_products'));--> statement-breakpoint
ALTER TABLE "etl"."sync_runs" ADD CONSTRAINT "sync_runs_stream_check" CHECK ("etl"."sync_runs"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance', 'creator_target_collaborations', 'creator_open_collaboration_products'));--> statement-breakpoint
ALTER TABLE "etl"."sync_state" ADD CONSTRAINT "sync_state_stream_check" CHECK ("etl"."sync_state"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance', 'creator_target_collaborations', 'creator_open_collaboration_products'));