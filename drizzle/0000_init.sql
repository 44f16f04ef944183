CREATE SCHEMA "tiktok_affiliate";
--> statement-breakpoint
CREATE SCHEMA "etl";
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."campaign_creator_fulfillment" (
	"partner_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"product_id" text NOT NULL,
	"creator_open_id" text NOT NULL,
	"creator_user_name" text,
	"creator_nick_name" text,
	"creator_avatar_url" text,
	"affiliate_product_id" text,
	"paid_amount" numeric(20, 4),
	"paid_amount_currency" text,
	"room_count" integer,
	"video_count" integer,
	"free_sample_status" text,
	"commission_bps" integer,
	"creator_follower_num" integer,
	"effective_start_time" timestamp with time zone,
	"effective_end_time" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "campaign_creator_fulfillment_pkey" PRIMARY KEY("partner_id","campaign_id","product_id","creator_open_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."campaign_creator_fulfillment_daily" (
	"partner_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"product_id" text NOT NULL,
	"creator_open_id" text NOT NULL,
	"snapshot_date" date NOT NULL,
	"paid_amount" numeric(20, 4),
	"paid_amount_currency" text,
	"room_count" integer,
	"video_count" integer,
	"free_sample_status" text,
	"commission_bps" integer,
	"creator_follower_num" integer,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "campaign_creator_fulfillment_daily_pkey" PRIMARY KEY("partner_id","campaign_id","product_id","creator_open_id","snapshot_date")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_order_skus" (
	"creator_id" text NOT NULL,
	"order_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"line_index" integer NOT NULL,
	"product_id" text,
	"product_name" text,
	"shop_name" text,
	"content_type" text,
	"content_id" text,
	"campaign_id" text,
	"open_collaboration_id" text,
	"target_collaboration_id" text,
	"price_amount" numeric(20, 4),
	"price_currency" text,
	"quantity" integer,
	"returned_quantity" integer,
	"refunded_quantity" integer,
	"commission_model" text,
	"commission_tier_setting" text,
	"commission_rate_bps" integer,
	"commission_bonus_rate_bps" integer,
	"shop_ads_commission_rate_bps" integer,
	"creator_commission_reward_rate_bps" integer,
	"estimated_commission_base_amount" numeric(20, 4),
	"estimated_commission_base_currency" text,
	"estimated_commission_amount" numeric(20, 4),
	"estimated_commission_currency" text,
	"estimated_bonus_commission_amount" numeric(20, 4),
	"estimated_bonus_commission_currency" text,
	"estimated_shop_ads_commission_amount" numeric(20, 4),
	"estimated_shop_ads_commission_currency" text,
	"estimated_creator_commission_reward_fee_amount" numeric(20, 4),
	"estimated_creator_commission_reward_fee_currency" text,
	"actual_commission_base_amount" numeric(20, 4),
	"actual_commission_base_currency" text,
	"actual_commission_amount" numeric(20, 4),
	"actual_commission_currency" text,
	"actual_bonus_commission_amount" numeric(20, 4),
	"actual_bonus_commission_currency" text,
	"actual_shop_ads_commission_amount" numeric(20, 4),
	"actual_shop_ads_commission_currency" text,
	"actual_creator_commission_reward_fee_amount" numeric(20, 4),
	"actual_creator_commission_reward_fee_currency" text,
	"tag" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "creator_order_skus_pkey" PRIMARY KEY("creator_id","order_id","sku_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_orders" (
	"creator_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text,
	"create_time" timestamp with time zone,
	"delivery_time" timestamp with time zone,
	"sku_count" integer NOT NULL,
	"total_quantity" integer,
	"total_estimated_commission_amount" numeric(20, 4),
	"total_estimated_commission_currency" text,
	"total_actual_commission_amount" numeric(20, 4),
	"total_actual_commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "creator_orders_pkey" PRIMARY KEY("creator_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."open_collaboration_products" (
	"search_id" text NOT NULL,
	"product_id" text NOT NULL,
	"shop_id" text NOT NULL,
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
	CONSTRAINT "open_collaboration_products_pkey" PRIMARY KEY("search_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."open_collaborations" (
	"shop_id" text NOT NULL,
	"open_collaboration_id" text NOT NULL,
	"status" text,
	"current_commission_rate_bps" integer,
	"current_commission_start_time" timestamp with time zone,
	"current_commission_end_time" timestamp with time zone,
	"showcase_creator_count" integer,
	"content_creator_count" integer,
	"product_id" text,
	"product_title" text,
	"product_main_image_url" text,
	"product_status" text,
	"product_inventory" integer,
	"product_original_price_min_amount" numeric(20, 4),
	"product_original_price_max_amount" numeric(20, 4),
	"product_original_price_currency" text,
	"require_seller_approve_creator" boolean,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "open_collaborations_pkey" PRIMARY KEY("shop_id","open_collaboration_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."partner_campaign_products" (
	"partner_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"product_id" text NOT NULL,
	"name" text,
	"review_status" text,
	"shop_name" text,
	"main_image_url" text,
	"lowest_price_amount" numeric(20, 4),
	"lowest_price_currency" text,
	"highest_price_amount" numeric(20, 4),
	"highest_price_currency" text,
	"inventory" integer,
	"total_commission_rate_bps" integer,
	"creator_commission_rate_bps" integer,
	"partner_commission_rate_bps" integer,
	"open_collaboration_commission_rate_bps" integer,
	"is_available" boolean,
	"product_sales" integer,
	"category_id" text,
	"category_name" text,
	"sample_quota" integer,
	"product_description" text,
	"sku_information_list" jsonb,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "partner_campaign_products_pkey" PRIMARY KEY("partner_id","campaign_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."partner_campaigns" (
	"partner_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"name" text,
	"status" text,
	"registration_start_time" timestamp with time zone,
	"registration_end_time" timestamp with time zone,
	"campaign_start_time" timestamp with time zone,
	"campaign_end_time" timestamp with time zone,
	"region" text,
	"commission_rate_bps" integer,
	"description" text,
	"target_shops" jsonb,
	"target_seller_types" text[],
	"contact_info" jsonb,
	"detail_fetched" boolean NOT NULL,
	"raw" jsonb NOT NULL,
	"raw_detail" jsonb,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "partner_campaigns_pkey" PRIMARY KEY("partner_id","campaign_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."seller_order_skus" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"line_key" text NOT NULL,
	"line_index" integer NOT NULL,
	"product_id" text,
	"content_type" text,
	"content_id" text,
	"creator_username" text,
	"campaign_id" text,
	"open_collaboration_id" text,
	"target_collaboration_id" text,
	"price_amount" numeric(20, 4),
	"price_currency" text,
	"quantity" integer,
	"refunded_quantity" integer,
	"returned_quantity" integer,
	"commission_model" text,
	"commission_tier_setting" text,
	"commission_rate_bps" integer,
	"shop_ads_commission_rate_bps" integer,
	"estimated_commission_base_amount" numeric(20, 4),
	"estimated_commission_base_currency" text,
	"estimated_paid_commission_amount" numeric(20, 4),
	"estimated_paid_commission_currency" text,
	"estimated_paid_shop_ads_commission_amount" numeric(20, 4),
	"estimated_paid_shop_ads_commission_currency" text,
	"actual_commission_base_amount" numeric(20, 4),
	"actual_commission_base_currency" text,
	"actual_paid_commission_amount" numeric(20, 4),
	"actual_paid_commission_currency" text,
	"actual_paid_shop_ads_commission_amount" numeric(20, 4),
	"actual_paid_shop_ads_commission_currency" text,
	"estimated_cofunded_creator_bonus_amount" numeric(20, 4),
	"estimated_cofunded_creator_bonus_amount_currency" text,
	"actual_cofunded_creator_bonus_amount" numeric(20, 4),
	"actual_cofunded_creator_bonus_amount_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "seller_order_skus_pkey" PRIMARY KEY("shop_id","order_id","line_key")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."seller_orders" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text,
	"create_time" timestamp with time zone,
	"delivery_time" timestamp with time zone,
	"sku_count" integer NOT NULL,
	"total_quantity" integer,
	"total_estimated_commission_base_amount" numeric(20, 4),
	"total_estimated_commission_base_currency" text,
	"total_estimated_paid_commission_amount" numeric(20, 4),
	"total_estimated_paid_commission_currency" text,
	"total_actual_commission_base_amount" numeric(20, 4),
	"total_actual_commission_base_currency" text,
	"total_actual_paid_commission_amount" numeric(20, 4),
	"total_actual_paid_commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "seller_orders_pkey" PRIMARY KEY("shop_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."target_collaboration_creators" (
	"shop_id" text NOT NULL,
	"target_collaboration_id" text NOT NULL,
	"creator_key" text NOT NULL,
	"creator_open_id" text,
	"user_id" text,
	"username" text,
	"nickname" text,
	"avatar_url" text,
	"selection_region" text,
	"showcase_product_count" integer,
	"content_product_count" integer,
	"collaboration_status" text,
	"product_effective_status" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "target_collaboration_creators_pkey" PRIMARY KEY("shop_id","target_collaboration_id","creator_key")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."target_collaboration_products" (
	"shop_id" text NOT NULL,
	"target_collaboration_id" text NOT NULL,
	"product_id" text NOT NULL,
	"title" text,
	"main_image_url" text,
	"status" text,
	"collaboration_status" text,
	"commission_effective_status" text,
	"original_price_min_amount" numeric(20, 4),
	"original_price_max_amount" numeric(20, 4),
	"original_price_currency" text,
	"commission_rate_bps" integer,
	"shop_ads_commission_rate_bps" integer,
	"commission_effective_time" timestamp with time zone,
	"commission_min_amount" numeric(20, 4),
	"commission_max_amount" numeric(20, 4),
	"commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "target_collaboration_products_pkey" PRIMARY KEY("shop_id","target_collaboration_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."target_collaborations" (
	"shop_id" text NOT NULL,
	"target_collaboration_id" text NOT NULL,
	"collaboration_status" text,
	"name" text,
	"message" text,
	"type" text,
	"start_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	"update_time" timestamp with time zone,
	"creator_invited_count" integer,
	"showcase_creator_count" integer,
	"content_creator_count" integer,
	"product_count" integer,
	"has_free_sample" boolean,
	"is_sample_approval_exempt" boolean,
	"seller_contact_email" text,
	"detail_fetched" boolean NOT NULL,
	"raw" jsonb NOT NULL,
	"raw_detail" jsonb,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	CONSTRAINT "target_collaborations_pkey" PRIMARY KEY("shop_id","target_collaboration_id")
);
--> statement-breakpoint
CREATE TABLE "etl"."connections" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "etl"."connections_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"app_key" text NOT NULL,
	"app_secret_enc" text NOT NULL,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"access_token_expires_at" timestamp with time zone NOT NULL,
	"refresh_token_expires_at" timestamp with time zone,
	"open_id" text,
	"granted_scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"shops" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"category_assets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"token_version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "connections_kind_check" CHECK ("etl"."connections"."kind" in ('seller', 'creator', 'partner')),
	CONSTRAINT "connections_status_check" CHECK ("etl"."connections"."status" in ('active', 'disabled', 'reauth_required'))
);
--> statement-breakpoint
CREATE TABLE "etl"."rejected_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "etl"."rejected_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"stream" text NOT NULL,
	"connection_id" integer NOT NULL,
	"run_id" bigint,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"record_key" text,
	"raw" jsonb,
	"raw_hash" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "etl"."saved_searches" (
	"connection_id" integer NOT NULL,
	"search_id" text NOT NULL,
	"name" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_searches_connection_id_search_id_pk" PRIMARY KEY("connection_id","search_id")
);
--> statement-breakpoint
CREATE TABLE "etl"."schedules" (
	"connection_id" integer NOT NULL,
	"stream" text NOT NULL,
	"every_ms" bigint,
	"cron" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedules_connection_id_stream_pk" PRIMARY KEY("connection_id","stream"),
	CONSTRAINT "schedules_stream_check" CHECK ("etl"."schedules"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment')),
	CONSTRAINT "schedules_one_rule_check" CHECK (("etl"."schedules"."every_ms" is null) <> ("etl"."schedules"."cron" is null)),
	CONSTRAINT "schedules_every_positive_check" CHECK ("etl"."schedules"."every_ms" is null or "etl"."schedules"."every_ms" > 0)
);
--> statement-breakpoint
CREATE TABLE "etl"."sync_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "etl"."sync_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"connection_id" integer NOT NULL,
	"stream" text NOT NULL,
	"scope" text,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"rows_inserted" bigint DEFAULT 0 NOT NULL,
	"rows_updated" bigint DEFAULT 0 NOT NULL,
	"rows_unchanged" bigint DEFAULT 0 NOT NULL,
	"rows_rejected" bigint DEFAULT 0 NOT NULL,
	"rows_removed" bigint DEFAULT 0 NOT NULL,
	"throttled_ms" bigint DEFAULT 0 NOT NULL,
	"error_class" text,
	"error_message" text,
	"detail" jsonb,
	CONSTRAINT "sync_runs_stream_check" CHECK ("etl"."sync_runs"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment')),
	CONSTRAINT "sync_runs_trigger_check" CHECK ("etl"."sync_runs"."trigger" in ('schedule', 'cli', 'backfill', 'rescan')),
	CONSTRAINT "sync_runs_status_check" CHECK ("etl"."sync_runs"."status" in ('running', 'succeeded', 'failed', 'partial'))
);
--> statement-breakpoint
CREATE TABLE "etl"."sync_state" (
	"connection_id" integer NOT NULL,
	"stream" text NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"watermark" timestamp with time zone,
	"cursor" jsonb,
	"status" text DEFAULT 'ok' NOT NULL,
	"error_class" text,
	"error_message" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_state_connection_id_stream_scope_pk" PRIMARY KEY("connection_id","stream","scope"),
	CONSTRAINT "sync_state_stream_check" CHECK ("etl"."sync_state"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment')),
	CONSTRAINT "sync_state_status_check" CHECK ("etl"."sync_state"."status" in ('ok', 'failing', 'blocked'))
);
--> statement-breakpoint
CREATE TABLE "etl"."sync_windows" (
	"connection_id" integer NOT NULL,
	"stream" text NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"last_page_token" text,
	"run_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_windows_connection_id_stream_scope_window_start_window_end_kind_pk" PRIMARY KEY("connection_id","stream","scope","window_start","window_end","kind"),
	CONSTRAINT "sync_windows_window_check" CHECK ("etl"."sync_windows"."window_start" < "etl"."sync_windows"."window_end"),
	CONSTRAINT "sync_windows_kind_check" CHECK ("etl"."sync_windows"."kind" in ('backfill', 'rescan', 'incremental')),
	CONSTRAINT "sync_windows_status_check" CHECK ("etl"."sync_windows"."status" in ('pending', 'running', 'done', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "etl"."rejected_records" ADD CONSTRAINT "rejected_records_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etl"."saved_searches" ADD CONSTRAINT "saved_searches_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etl"."schedules" ADD CONSTRAINT "schedules_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etl"."sync_runs" ADD CONSTRAINT "sync_runs_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etl"."sync_state" ADD CONSTRAINT "sync_state_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etl"."sync_windows" ADD CONSTRAINT "sync_windows_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_creator_fulfillment_creator_idx" ON "tiktok_affiliate"."campaign_creator_fulfillment" USING btree ("creator_open_id");--> statement-breakpoint
CREATE INDEX "campaign_creator_fulfillment_active_idx" ON "tiktok_affiliate"."campaign_creator_fulfillment" USING btree ("partner_id","campaign_id","product_id") WHERE is_active;--> statement-breakpoint
CREATE INDEX "campaign_creator_fulfillment_daily_date_idx" ON "tiktok_affiliate"."campaign_creator_fulfillment_daily" USING btree ("partner_id","snapshot_date");--> statement-breakpoint
CREATE INDEX "creator_order_skus_creator_product_idx" ON "tiktok_affiliate"."creator_order_skus" USING btree ("creator_id","product_id");--> statement-breakpoint
CREATE INDEX "creator_order_skus_campaign_idx" ON "tiktok_affiliate"."creator_order_skus" USING btree ("campaign_id") WHERE campaign_id is not null;--> statement-breakpoint
CREATE INDEX "creator_orders_creator_create_time_idx" ON "tiktok_affiliate"."creator_orders" USING btree ("creator_id","create_time");--> statement-breakpoint
CREATE INDEX "creator_orders_creator_status_idx" ON "tiktok_affiliate"."creator_orders" USING btree ("creator_id","status");--> statement-breakpoint
CREATE INDEX "creator_orders_open_create_time_idx" ON "tiktok_affiliate"."creator_orders" USING btree ("creator_id","create_time") WHERE status is null or status not in ('SETTLED', 'REFUNDED', 'DEDUCTED');--> statement-breakpoint
CREATE INDEX "open_collaboration_products_product_idx" ON "tiktok_affiliate"."open_collaboration_products" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "open_collaboration_products_active_idx" ON "tiktok_affiliate"."open_collaboration_products" USING btree ("search_id","commission_rate_bps") WHERE is_active;--> statement-breakpoint
CREATE INDEX "open_collaborations_product_idx" ON "tiktok_affiliate"."open_collaborations" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "open_collaborations_active_idx" ON "tiktok_affiliate"."open_collaborations" USING btree ("shop_id","status") WHERE is_active;--> statement-breakpoint
CREATE INDEX "partner_campaign_products_product_idx" ON "tiktok_affiliate"."partner_campaign_products" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "partner_campaign_products_active_idx" ON "tiktok_affiliate"."partner_campaign_products" USING btree ("partner_id","campaign_id","review_status") WHERE is_active;--> statement-breakpoint
CREATE INDEX "partner_campaigns_active_idx" ON "tiktok_affiliate"."partner_campaigns" USING btree ("partner_id","status") WHERE is_active;--> statement-breakpoint
CREATE INDEX "partner_campaigns_start_time_idx" ON "tiktok_affiliate"."partner_campaigns" USING btree ("partner_id","campaign_start_time");--> statement-breakpoint
CREATE INDEX "seller_order_skus_shop_creator_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("shop_id","creator_username");--> statement-breakpoint
CREATE INDEX "seller_order_skus_shop_product_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("shop_id","product_id");--> statement-breakpoint
CREATE INDEX "seller_order_skus_campaign_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("campaign_id") WHERE campaign_id is not null;--> statement-breakpoint
CREATE INDEX "seller_order_skus_target_collaboration_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("target_collaboration_id") WHERE target_collaboration_id is not null;--> statement-breakpoint
CREATE INDEX "seller_order_skus_open_collaboration_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("open_collaboration_id") WHERE open_collaboration_id is not null;--> statement-breakpoint
CREATE INDEX "seller_orders_shop_create_time_idx" ON "tiktok_affiliate"."seller_orders" USING btree ("shop_id","create_time");--> statement-breakpoint
CREATE INDEX "seller_orders_shop_status_idx" ON "tiktok_affiliate"."seller_orders" USING btree ("shop_id","status");--> statement-breakpoint
CREATE INDEX "seller_orders_open_create_time_idx" ON "tiktok_affiliate"."seller_orders" USING btree ("shop_id","create_time") WHERE status is null or status not in ('COMPLETED', 'CANCELLED', 'DEDUCTED');--> statement-breakpoint
CREATE INDEX "target_collaboration_creators_username_idx" ON "tiktok_affiliate"."target_collaboration_creators" USING btree ("shop_id","username");--> statement-breakpoint
CREATE INDEX "target_collaboration_creators_open_id_idx" ON "tiktok_affiliate"."target_collaboration_creators" USING btree ("creator_open_id") WHERE creator_open_id is not null;--> statement-breakpoint
CREATE INDEX "target_collaboration_products_product_idx" ON "tiktok_affiliate"."target_collaboration_products" USING btree ("shop_id","product_id");--> statement-breakpoint
CREATE INDEX "target_collaborations_active_idx" ON "tiktok_affiliate"."target_collaborations" USING btree ("shop_id","collaboration_status") WHERE is_active;--> statement-breakpoint
CREATE INDEX "target_collaborations_shop_update_time_idx" ON "tiktok_affiliate"."target_collaborations" USING btree ("shop_id","update_time");--> statement-breakpoint
CREATE UNIQUE INDEX "rejected_records_dedupe_idx" ON "etl"."rejected_records" USING btree ("connection_id","stream","raw_hash");--> statement-breakpoint
CREATE INDEX "rejected_records_run_idx" ON "etl"."rejected_records" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "sync_runs_connection_stream_idx" ON "etl"."sync_runs" USING btree ("connection_id","stream","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sync_runs_running_idx" ON "etl"."sync_runs" USING btree ("status") WHERE "etl"."sync_runs"."status" = 'running';