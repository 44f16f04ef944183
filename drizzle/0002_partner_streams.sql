CREATE TABLE "tiktok_affiliate"."campaign_product_performance" (
	"partner_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"product_id" text NOT NULL,
	"product_status" text,
	"product_name" text,
	"product_stock_count" integer,
	"total_commission_percent_bps" integer,
	"creator_commission_percent_bps" integer,
	"partner_commission_percent_bps" integer,
	"plan_commission_percent_bps" integer,
	"product_price_min_amount" numeric(20, 4),
	"product_price_max_amount" numeric(20, 4),
	"product_price_currency" text,
	"product_thumbnail_url" text,
	"data_update_time" timestamp with time zone,
	"paid_order_num" integer,
	"actual_order_num" integer,
	"estimated_amount" numeric(20, 4),
	"estimated_amount_currency" text,
	"actual_amount" numeric(20, 4),
	"actual_amount_currency" text,
	"estimated_partner_commission_amount" numeric(20, 4),
	"estimated_partner_commission_currency" text,
	"actual_partner_commission_amount" numeric(20, 4),
	"actual_partner_commission_currency" text,
	"creator_sales_num" integer,
	"collaborated_creators_num" integer,
	"promoted_creator_num" integer,
	"sample_requested_creator_num" integer,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "campaign_product_performance_pkey" PRIMARY KEY("partner_id","campaign_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."campaign_product_performance_daily" (
	"partner_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"product_id" text NOT NULL,
	"snapshot_date" date NOT NULL,
	"paid_order_num" integer,
	"actual_order_num" integer,
	"estimated_amount" numeric(20, 4),
	"estimated_amount_currency" text,
	"actual_amount" numeric(20, 4),
	"actual_amount_currency" text,
	"estimated_partner_commission_amount" numeric(20, 4),
	"estimated_partner_commission_currency" text,
	"actual_partner_commission_amount" numeric(20, 4),
	"actual_partner_commission_currency" text,
	"creator_sales_num" integer,
	"collaborated_creators_num" integer,
	"promoted_creator_num" integer,
	"sample_requested_creator_num" integer,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "campaign_product_performance_daily_pkey" PRIMARY KEY("partner_id","campaign_id","product_id","snapshot_date")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."partner_order_skus" (
	"partner_id" text NOT NULL,
	"order_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"line_index" integer NOT NULL,
	"campaign_id" text,
	"product_id" text,
	"product_name" text,
	"creator_username" text,
	"content_type" text,
	"content_id" text,
	"price_amount" numeric(20, 4),
	"price_currency" text,
	"quantity" integer,
	"returned_quantity" integer,
	"refunded_quantity" integer,
	"creator_commission_rate_bps" integer,
	"tap_commission_rate_bps" integer,
	"partner_commission_reward_rate_bps" integer,
	"creator_commission_reward_rate_bps" integer,
	"estimated_commission_base_amount" numeric(20, 4),
	"estimated_commission_base_currency" text,
	"estimated_creator_commission_amount" numeric(20, 4),
	"estimated_creator_commission_currency" text,
	"estimated_tap_commission_amount" numeric(20, 4),
	"estimated_tap_commission_currency" text,
	"estimated_partner_commission_reward_fee_amount" numeric(20, 4),
	"estimated_partner_commission_reward_fee_currency" text,
	"estimated_creator_commission_reward_fee_amount" numeric(20, 4),
	"estimated_creator_commission_reward_fee_currency" text,
	"actual_commission_base_amount" numeric(20, 4),
	"actual_commission_base_currency" text,
	"actual_creator_commission_amount" numeric(20, 4),
	"actual_creator_commission_currency" text,
	"actual_tap_commission_amount" numeric(20, 4),
	"actual_tap_commission_currency" text,
	"actual_partner_commission_reward_fee_amount" numeric(20, 4),
	"actual_partner_commission_reward_fee_currency" text,
	"actual_creator_commission_reward_fee_amount" numeric(20, 4),
	"actual_creator_commission_reward_fee_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "partner_order_skus_pkey" PRIMARY KEY("partner_id","order_id","sku_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."partner_orders" (
	"partner_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text,
	"create_time" timestamp with time zone,
	"delivery_time" timestamp with time zone,
	"sku_count" integer NOT NULL,
	"total_quantity" integer,
	"total_estimated_tap_commission_amount" numeric(20, 4),
	"total_estimated_tap_commission_currency" text,
	"total_actual_tap_commission_amount" numeric(20, 4),
	"total_actual_tap_commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "partner_orders_pkey" PRIMARY KEY("partner_id","order_id")
);
--> statement-breakpoint
ALTER TABLE "etl"."schedules" DROP CONSTRAINT "schedules_stream_check";--> statement-breakpoint
ALTER TABLE "etl"."sync_runs" DROP CONSTRAINT "sync_runs_stream_check";--> statement-breakpoint
ALTER TABLE "etl"."sync_state" DROP CONSTRAINT "sync_state_stream_check";--> statement-breakpoint
CREATE INDEX "campaign_product_performance_active_idx" ON "tiktok_affiliate"."campaign_product_performance" USING btree ("partner_id","campaign_id") WHERE is_active;--> statement-breakpoint
CREATE INDEX "campaign_product_performance_daily_date_idx" ON "tiktok_affiliate"."campaign_product_performance_daily" USING btree ("partner_id","snapshot_date");--> statement-breakpoint
CREATE INDEX "partner_order_skus_campaign_idx" ON "tiktok_affiliate"."partner_order_skus" USING btree ("partner_id","campaign_id");--> statement-breakpoint
CREATE INDEX "partner_order_skus_creator_idx" ON "tiktok_affiliate"."partner_order_skus" USING btree ("creator_username") WHERE creator_username is not null;--> statement-breakpoint
CREATE INDEX "partner_orders_partner_create_time_idx" ON "tiktok_affiliate"."partner_orders" USING btree ("partner_id","create_time");--> statement-breakpoint
CREATE INDEX "partner_orders_open_create_time_idx" ON "tiktok_affiliate"."partner_orders" USING btree ("partner_id","create_time") WHERE status is null or status not in ('COMPLETED', 'CANCELLED', 'DEDUCTED');--> statement-breakpoint
ALTER TABLE "etl"."schedules" ADD CONSTRAINT "schedules_stream_check" CHECK ("etl"."schedules"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance'));--> statement-breakpoint
ALTER TABLE "etl"."sync_runs" ADD CONSTRAINT "sync_runs_stream_check" CHECK ("etl"."sync_runs"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance'));--> statement-breakpoint
ALTER TABLE "etl"."sync_state" ADD CONSTRAINT "sync_state_stream_check" CHECK ("etl"."sync_state"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance'));