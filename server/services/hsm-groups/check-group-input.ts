import fs from "node:fs";
import { and, eq, ne } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import type { CreateHsmGroupValues } from "@/lib/schemas/hsm-group";
import { parseModuleEnv } from "@/lib/schemas/module-env";
import { parseServerCertificate } from "@/server/certs";
import type { Db } from "@/server/db";
import { hsmGroups } from "@/server/db/schema";

/**
 * Checks the schema cannot make: each server.pem is one valid X.509 certificate (normalised to
 * its PEM), and the PKCS#11 library exists on this node as a file. Errors name the field.
 */
export function checkGroupInput<
  T extends Pick<CreateHsmGroupValues, "type" | "servers" | "moduleLibrary" | "moduleEnv">,
>(input: T): Omit<T, "moduleEnv"> & { moduleEnv: Record<string, string> | undefined } {
  const network = isNetworkHsm(input.type);
  if (input.type === "pkcs11-module") checkModuleLibrary(input.moduleLibrary ?? "");
  const servers = input.servers.map((s, i) => {
    if (!network) return { ...s, address: undefined, serverCert: undefined };
    const summary = parseServerCertificate(s.serverCert ?? "", new Date(), `servers.${i}.serverCert`);
    return { ...s, serverCert: summary.pem };
  });
  const seen = new Set<string>();
  servers.forEach((s, i) => {
    const key = network ? `${s.address?.toLowerCase()}:${s.port}:${s.partition}` : s.partition;
    if (seen.has(key))
      throw new AppError("VALIDATION", "This HSM and partition is already in the group.", {
        field: `servers.${i}.partition`,
      });
    seen.add(key);
  });
  return {
    ...input,
    servers,
    moduleLibrary: input.type === "pkcs11-module" ? input.moduleLibrary : undefined,
    moduleEnv:
      input.type === "pkcs11-module" && input.moduleEnv ? parseModuleEnv(input.moduleEnv) : undefined,
  };
}

function checkModuleLibrary(path: string): void {
  let isFile = false;
  try {
    isFile = path.startsWith("/") && fs.statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile)
    throw new AppError(
      "VALIDATION",
      `No PKCS#11 library at "${path}" on this console node. Install the vendor package or choose a listed library.`,
      { field: "moduleLibrary" },
    );
}

export async function assertNameFree(
  db: Db,
  tenantId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  const [taken] = await db
    .select({ id: hsmGroups.id })
    .from(hsmGroups)
    .where(
      and(
        eq(hsmGroups.tenantId, tenantId),
        eq(hsmGroups.name, name),
        ...(exceptId ? [ne(hsmGroups.id, exceptId)] : []),
      ),
    );
  if (taken)
    throw new AppError("CONFLICT", `An HSM group named "${name}" already exists. Choose another name.`, {
      field: "name",
    });
}
