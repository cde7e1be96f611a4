DROP INDEX "ssl_certificates_tenant_not_after";--> statement-breakpoint
CREATE INDEX "ssl_certificates_tenant_not_after_name" ON "ssl_certificates" USING btree ("tenant_id","not_after","name");