CREATE TABLE "hsm_health_samples" (
	"server_id" uuid NOT NULL,
	"node" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"ops" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"latency_sum_ms" double precision DEFAULT 0 NOT NULL,
	"latency_max_ms" double precision DEFAULT 0 NOT NULL,
	"probes" integer DEFAULT 0 NOT NULL,
	"probe_failures" integer DEFAULT 0 NOT NULL,
	"probe_sum_ms" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "hsm_health_samples_server_id_node_minute_pk" PRIMARY KEY("server_id","node","minute")
);
--> statement-breakpoint
ALTER TABLE "hsm_health_samples" ADD CONSTRAINT "hsm_health_samples_server_id_hsm_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."hsm_servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hsm_health_samples_minute" ON "hsm_health_samples" USING btree ("minute");