ALTER TABLE "ssl_certificates" ADD COLUMN "key_members" jsonb;--> statement-breakpoint
-- Keys made or imported before this column existed went to every member of their group (creation
-- fails unless every member holds the key), so the group's members at migration time are recorded.
-- Names follow openHsmGroup's member names: "<address>:<partition>", or the partition for modules.
UPDATE "ssl_certificates" c SET "key_members" = (
	SELECT jsonb_agg(CASE WHEN coalesce(s."address", '') = '' THEN s."partition" ELSE s."address" || ':' || s."partition" END ORDER BY s."position")
	FROM "hsm_servers" s WHERE s."group_id" = c."hsm_group_id"
) WHERE c."hsm_group_id" IS NOT NULL AND c."key_id_hex" IS NOT NULL AND c."type" <> 'reference' AND c."status" IN ('active', 'awaiting-certificate');
