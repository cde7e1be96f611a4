CREATE TABLE "hsm_client_registrations" (
	"client_id" uuid NOT NULL,
	"server_id" uuid NOT NULL,
	"status" text DEFAULT 'unknown' NOT NULL,
	"detail" text,
	"checked_at" timestamp with time zone,
	CONSTRAINT "hsm_client_registrations_client_id_server_id_pk" PRIMARY KEY("client_id","server_id")
);
--> statement-breakpoint
CREATE TABLE "hsm_clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"ip" text NOT NULL,
	"network" text DEFAULT 'management' NOT NULL,
	"cert_pem" text NOT NULL,
	"key_enc" text NOT NULL,
	"fingerprint" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsm_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"is_ha" boolean DEFAULT false NOT NULL,
	"ha_group_num" text,
	"module_library" text,
	"module_env" jsonb,
	"cloning_key_label" text,
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsm_servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"address" text,
	"port" integer,
	"server_cert_pem" text,
	"partition" text NOT NULL,
	"partition_serial" text,
	"partition_password_enc" text NOT NULL,
	"admin_api_url" text
);
--> statement-breakpoint
ALTER TABLE "hsm_client_registrations" ADD CONSTRAINT "hsm_client_registrations_client_id_hsm_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."hsm_clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hsm_client_registrations" ADD CONSTRAINT "hsm_client_registrations_server_id_hsm_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."hsm_servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hsm_clients" ADD CONSTRAINT "hsm_clients_group_id_hsm_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."hsm_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hsm_groups" ADD CONSTRAINT "hsm_groups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hsm_servers" ADD CONSTRAINT "hsm_servers_group_id_hsm_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."hsm_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hsm_clients_group_idx" ON "hsm_clients" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "hsm_groups_tenant_name" ON "hsm_groups" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "hsm_servers_group_idx" ON "hsm_servers" USING btree ("group_id");