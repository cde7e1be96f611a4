CREATE TABLE "cluster_canary" (
	"id" integer PRIMARY KEY NOT NULL,
	"value_enc" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"origin_node" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_nodes" (
	"name" text PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"address" text NOT NULL,
	"version" text NOT NULL,
	"pid" integer NOT NULL,
	"hsm_client" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"heartbeat_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	CONSTRAINT "cluster_nodes_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "cluster_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"target_node" text NOT NULL,
	"subject_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ok" boolean,
	"answer" jsonb
);
--> statement-breakpoint
ALTER TABLE "local_hsm_tokens" DROP CONSTRAINT "local_hsm_tokens_label_unique";--> statement-breakpoint
ALTER TABLE "hsm_groups" ADD COLUMN "node_name" text;--> statement-breakpoint
ALTER TABLE "local_hsm_tokens" ADD COLUMN "node_name" text;--> statement-breakpoint
CREATE INDEX "cluster_requests_target" ON "cluster_requests" USING btree ("target_node","answered_at");--> statement-breakpoint
ALTER TABLE "local_hsm_tokens" ADD CONSTRAINT "local_hsm_tokens_label_node" UNIQUE NULLS NOT DISTINCT("label","node_name");