ALTER TABLE "hsm_clients" ADD COLUMN "chrystoki_conf" text;--> statement-breakpoint
ALTER TABLE "hsm_clients" ADD COLUMN "chrystoki_conf_previous" text;--> statement-breakpoint
ALTER TABLE "hsm_servers" ADD COLUMN "admin_credentials_enc" text;