CREATE TABLE "avi_objects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"servers" jsonb,
	"vip" text,
	"virtual_service_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "avi_objects" ADD CONSTRAINT "avi_objects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avi_objects" ADD CONSTRAINT "avi_objects_virtual_service_id_virtual_services_id_fk" FOREIGN KEY ("virtual_service_id") REFERENCES "public"."virtual_services"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "avi_objects_tenant_kind_name" ON "avi_objects" USING btree ("tenant_id","kind","name");--> statement-breakpoint
CREATE UNIQUE INDEX "avi_objects_virtual_service" ON "avi_objects" USING btree ("virtual_service_id");