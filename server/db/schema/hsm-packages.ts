import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/**
 * Uploaded HSM client packages (safenet.tar, ...). The bytes live in the database in chunks so
 * that every console node sharing it has the package; each node unpacks nothing (validated only).
 */
export const hsmPackages = pgTable("hsm_packages", {
  id: uuid("id").primaryKey().defaultRandom(),
  type: text("type", { enum: ["safenet", "thales", "cloudhsm"] }).notNull(),
  version: text("version"),
  fileName: text("file_name").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  sha256: text("sha256").notNull(),
  members: jsonb("members").$type<{ name: string; size: number; sha256: string }[]>().notNull(),
  uploadedBy: text("uploaded_by").notNull(),
  uploadedAt: timestamp("uploaded_at", { withTimezone: true }).notNull().defaultNow(),
});

export const hsmPackageChunks = pgTable(
  "hsm_package_chunks",
  {
    packageId: uuid("package_id")
      .notNull()
      .references(() => hsmPackages.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.packageId, t.seq] }), index("hsm_package_chunks_pkg").on(t.packageId)],
);
