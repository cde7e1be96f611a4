CREATE TABLE "ssl_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"hsm_group_id" uuid,
	"key_id_hex" text,
	"key_label" text,
	"key_uri" text,
	"key_algorithm" text NOT NULL,
	"key_bits" integer,
	"key_curve" text,
	"key_origin" text NOT NULL,
	"key_enc" text,
	"public_key_spki" text,
	"certificate_pem" text,
	"chain_pem" text,
	"csr_pem" text,
	"subject_cn" text,
	"subject" jsonb,
	"subject_alt_names" jsonb,
	"issuer" text,
	"serial" text,
	"not_before" timestamp with time zone,
	"not_after" timestamp with time zone,
	"fingerprint_sha1" text,
	"fingerprint_sha256" text,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsm_package_chunks" (
	"package_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "hsm_package_chunks_package_id_seq_pk" PRIMARY KEY("package_id","seq")
);
--> statement-breakpoint
CREATE TABLE "hsm_packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"version" text,
	"file_name" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"members" jsonb NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_engine_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"hsm_group_id" uuid,
	"se_count" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_engines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"name" text NOT NULL,
	"node_name" text NOT NULL,
	"management_ip" text NOT NULL,
	"state" text DEFAULT 'stopped' NOT NULL,
	"state_reason" text,
	"restart_required_reason" text,
	"state_since" timestamp with time zone DEFAULT now() NOT NULL,
	"detail" jsonb,
	CONSTRAINT "service_engines_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "virtual_services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"vip" text NOT NULL,
	"ports" jsonb NOT NULL,
	"certificate_id" uuid,
	"pool" jsonb NOT NULL,
	"health_check" jsonb,
	"se_group_id" uuid NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"state_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ssl_certificates" ADD CONSTRAINT "ssl_certificates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ssl_certificates" ADD CONSTRAINT "ssl_certificates_hsm_group_id_hsm_groups_id_fk" FOREIGN KEY ("hsm_group_id") REFERENCES "public"."hsm_groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hsm_package_chunks" ADD CONSTRAINT "hsm_package_chunks_package_id_hsm_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."hsm_packages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_engine_groups" ADD CONSTRAINT "service_engine_groups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_engine_groups" ADD CONSTRAINT "service_engine_groups_hsm_group_id_hsm_groups_id_fk" FOREIGN KEY ("hsm_group_id") REFERENCES "public"."hsm_groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_engines" ADD CONSTRAINT "service_engines_group_id_service_engine_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."service_engine_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_services" ADD CONSTRAINT "virtual_services_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_services" ADD CONSTRAINT "virtual_services_certificate_id_ssl_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."ssl_certificates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_services" ADD CONSTRAINT "virtual_services_se_group_id_service_engine_groups_id_fk" FOREIGN KEY ("se_group_id") REFERENCES "public"."service_engine_groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ssl_certificates_tenant_name" ON "ssl_certificates" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "ssl_certificates_tenant_not_after" ON "ssl_certificates" USING btree ("tenant_id","not_after");--> statement-breakpoint
CREATE INDEX "ssl_certificates_hsm_group" ON "ssl_certificates" USING btree ("hsm_group_id");--> statement-breakpoint
CREATE INDEX "hsm_package_chunks_pkg" ON "hsm_package_chunks" USING btree ("package_id");--> statement-breakpoint
CREATE UNIQUE INDEX "se_groups_tenant_name" ON "service_engine_groups" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "virtual_services_tenant_name" ON "virtual_services" USING btree ("tenant_id","name");