import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import type { CreateHsmGroupValues } from "@/lib/schemas/hsm-group";
import { parseModuleEnv } from "@/lib/schemas/module-env";
import { nameTaken } from "@/server/aggregates/hsm-groups";
import { parseServerCertificate } from "@/server/certs";
import type { DbOrTx } from "@/server/db";
import { checkModule } from "@/server/hsm/module-allow-list";

/**
 * Checks the schema cannot make: each server.pem is one valid X.509 certificate (normalised to
 * its PEM), and the PKCS#11 library and its environment are ones the installation allows. Errors
 * name the field.
 */
export function checkGroupInput<
  T extends Pick<CreateHsmGroupValues, "type" | "servers" | "moduleLibrary" | "moduleEnv">,
>(input: T): Omit<T, "moduleEnv"> & { moduleEnv: Record<string, string> | undefined } {
  const network = isNetworkHsm(input.type);
  const moduleEnv =
    input.type === "pkcs11-module" && input.moduleEnv ? parseModuleEnv(input.moduleEnv) : undefined;
  if (input.type === "pkcs11-module") checkModule(input.moduleLibrary ?? "", moduleEnv ?? {});
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
    moduleEnv,
  };
}

export async function assertNameFree(
  db: DbOrTx,
  tenantId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  if (await nameTaken(db, tenantId, name, exceptId))
    throw new AppError("CONFLICT", `An HSM group named "${name}" already exists. Choose another name.`, {
      field: "name",
    });
}
