CREATE TABLE "etl"."schedule_dispatch" (
	"connection_id" integer NOT NULL,
	"stream" text NOT NULL,
	"every_ms" bigint,
	"cron" text,
	"next_run_at" timestamp with time zone NOT NULL,
	"queued_job" text,
	"queued_at" timestamp with time zone,
	"last_due_at" timestamp with time zone,
	CONSTRAINT "schedule_dispatch_connection_id_stream_pk" PRIMARY KEY("connection_id","stream"),
	CONSTRAINT "schedule_dispatch_stream_check" CHECK ("etl"."schedule_dispatch"."stream" in ('seller_affiliate_orders', 'creator_affiliate_orders', 'open_collaborations', 'open_collaboration_products', 'target_collaborations', 'partner_campaigns', 'campaign_creator_fulfillment', 'partner_affiliate_orders', 'campaign_product_performance', 'creator_target_collaborations', 'creator_open_collaboration_products')),
	CONSTRAINT "schedule_dispatch_one_rule_check" CHECK (("etl"."schedule_dispatch"."every_ms" is null) <> ("etl"."schedule_dispatch"."cron" is null))
);
--> statement-breakpoint
ALTER TABLE "etl"."schedule_dispatch" ADD CONSTRAINT "schedule_dispatch_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "etl"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedule_dispatch_due_idx" ON "etl"."schedule_dispatch" USING btree ("next_run_at") WHERE "etl"."schedule_dispatch"."queued_job" is null;--> statement-breakpoint
CREATE INDEX "schedule_dispatch_queued_idx" ON "etl"."schedule_dispatch" USING btree ("queued_at") WHERE "etl"."schedule_dispatch"."queued_job" is not null;