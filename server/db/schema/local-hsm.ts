import { pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/**
 * The built-in SoftHSM2 token the console creates on first start (the default HSM).
 * PINs are AES-256-GCM ciphertext (server/crypto/secrets.ts); the token files live
 * under the data folder with their own SOFTHSM2_CONF.
 */
export const localHsmTokens = pgTable(
  "local_hsm_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    label: text("label").notNull(),
    /** The console node whose data folder holds the token (nodes sharing PostgreSQL); null on one node. */
    nodeName: text("node_name"),
    serial: text("serial").notNull(),
    libraryPath: text("library_path").notNull(),
    userPinEnc: text("user_pin_enc").notNull(),
    soPinEnc: text("so_pin_enc").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("local_hsm_tokens_label_node").on(t.label, t.nodeName).nullsNotDistinct()],
);
