import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { decryptSecret, encryptSecret } from "@/server/crypto/secrets";
import type { DbHandle } from "@/server/db/client";
import { hsmServers } from "@/server/db/schema";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";
import { networkGroupInput, serverPem } from "./testing/fixtures";

/** Write-only secrets stay with the endpoint they were given for. */
describe("secrets bound to their endpoint", () => {
  let handle: DbHandle;
  let sec: SessionUser;
  let pems: string[];
  const caller = () => callerFor(handle.db, sec).caller;
  const passwordOf = async (id: string) => {
    const [row] = await handle.db.select().from(hsmServers).where(eq(hsmServers.id, id));
    return decryptSecret(row!.partitionPasswordEnc, "hsm_servers.partition_password");
  };

  beforeAll(async () => {
    process.env.HSM_CONSOLE_NODE_NAME = "console-endpoint";
    useTempDataDir();
    handle = await openTestDb();
    sec = await seedUser(handle.db, { username: "sec-endpoint", role: "security-admin" });
    pems = [await serverPem("127.0.124.10"), await serverPem("127.0.124.11")];
  });
  afterAll(async () => handle?.close());

  const edit = (group: { id: string; servers: { id: string }[] }, server: Record<string, unknown>) => {
    const input = networkGroupInput("bound", [pems[0]!]);
    return caller().hsmGroups.update({
      ...input,
      id: group.id,
      servers: [{ ...input.servers[0]!, id: group.servers[0]!.id, partitionPassword: undefined, ...server }],
    });
  };

  it("refuses an address, port or server.pem change without the password again, naming the field", async () => {
    const group = await caller().hsmGroups.create(networkGroupInput("bound", [pems[0]!]));
    const serverId = group.servers[0]!.id;
    for (const change of [{ address: "127.0.124.66" }, { port: 1793 }, { serverCert: pems[1] }]) {
      const error = toAppError(await edit(group, change).catch((e: unknown) => e));
      expect(error.field, JSON.stringify(change)).toBe("servers.0.partitionPassword");
      expect(error.message).toMatch(/enter its partition password again/);
      expect(await passwordOf(serverId)).toBe("secret-partition-pw-0");
    }
    // Nothing about the endpoint changed: the stored password stays.
    await edit(group, {});
    expect(await passwordOf(serverId)).toBe("secret-partition-pw-0");
    // The new endpoint with its own password: accepted.
    await edit(group, { address: "127.0.124.66", partitionPassword: "password-of-the-new-hsm" });
    expect(await passwordOf(serverId)).toBe("password-of-the-new-hsm");
  });

  it("never sends remembered admin credentials to another admin URL or server certificate", async () => {
    const group = await caller().hsmGroups.create(networkGroupInput("remembered", [pems[0]!]));
    const serverId = group.servers[0]!.id;
    const remember = (saved: Record<string, unknown>) =>
      handle.db
        .update(hsmServers)
        .set({ adminCredentialsEnc: encryptSecret(JSON.stringify(saved), "hsm_servers.admin_credentials") })
        .where(eq(hsmServers.id, serverId));
    const register = (adminApiUrl: string) =>
      caller()
        .hsmGroups.registerClients({ id: group.id, serverId, adminApiUrl, username: "admin", password: "" })
        .then(
          () => toAppError(new Error("registered with credentials meant for another endpoint")),
          (e: unknown) => toAppError(e),
        );
    // Saved before credentials were bound (no URL): not replayed.
    await remember({ username: "admin", password: "appliance-admin-pw" });
    const unbound = await register("https://127.0.124.10:8443");
    expect(unbound).toMatchObject({ field: "password" });
    expect(unbound.message).toMatch(/another admin API URL or server certificate/);
    // Bound to one URL: another URL (here an address nobody listens on) is refused before any request.
    const { createHash } = await import("node:crypto");
    const [row] = await handle.db.select().from(hsmServers).where(eq(hsmServers.id, serverId));
    const serverCert = createHash("sha256").update(row!.serverCertPem!.trim()).digest("hex");
    await remember({
      username: "admin",
      password: "appliance-admin-pw",
      url: "https://127.0.124.10:8443",
      serverCert,
    });
    const elsewhere = await register("https://127.0.124.99:8443");
    expect(elsewhere.message).toMatch(/another admin API URL or server certificate/);
    // A new endpoint drops the remembered credentials.
    const input = networkGroupInput("remembered", [pems[0]!]);
    await caller().hsmGroups.update({
      ...input,
      id: group.id,
      servers: [
        { ...input.servers[0]!, id: serverId, address: "127.0.124.67", partitionPassword: "another-pw" },
      ],
    });
    const [after] = await handle.db.select().from(hsmServers).where(eq(hsmServers.id, serverId));
    expect(after!.adminCredentialsEnc).toBeNull();
  });
});
