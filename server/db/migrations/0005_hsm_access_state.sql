CREATE TABLE "hsm_access_state" (
	"server_id" uuid NOT NULL,
	"node" text NOT NULL,
	"open" boolean DEFAULT false NOT NULL,
	"opened_by" text,
	"opened_at" timestamp with time zone,
	"closed_by" text,
	"closed_at" timestamp with time zone,
	CONSTRAINT "hsm_access_state_server_id_node_pk" PRIMARY KEY("server_id","node")
);
--> statement-breakpoint
ALTER TABLE "hsm_access_state" ADD CONSTRAINT "hsm_access_state_server_id_hsm_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."hsm_servers"("id") ON DELETE cascade ON UPDATE no action;