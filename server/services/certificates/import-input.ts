import { AppError } from "@/lib/errors";
import type { ValidateImportInput } from "@/lib/schemas/certificate";
import { type ParsedPrivateKey, parseCertificatePem, parsePkcs12, parsePrivateKey } from "@/server/certs";

/** validateImport's field names → the import form's fields. */
export const FIELD_OF: Record<string, string> = {
  certificate: "certificatePem",
  chain: "chainPem",
  key: "keyPem",
  keyPassphrase: "keyPassphrase",
  pkcs12: "pkcs12Base64",
  pkcs12Password: "pkcs12Password",
};

export interface ImportMaterial {
  key: ParsedPrivateKey;
  certificatePem: string;
  chainPem: string | undefined;
}

/** Reads the key and certificate from pasted PEM or the PKCS#12 upload; throws AppError on a field. */
export async function readImportMaterial(input: ValidateImportInput): Promise<ImportMaterial> {
  if (input.pkcs12Base64) {
    const der = Buffer.from(input.pkcs12Base64, "base64");
    const p12 = await parsePkcs12({ der, password: input.pkcs12Password ?? "", field: "pkcs12Base64" });
    const chain = [p12.chainPem, input.chainPem].filter((c) => c?.trim()).join("\n");
    return {
      key: p12.key,
      certificatePem: input.certificatePem?.trim() ? input.certificatePem : p12.certificatePem,
      chainPem: chain || undefined,
    };
  }
  if (!input.keyPem?.trim())
    throw new AppError("VALIDATION", "Paste the private key (PEM) or upload a PKCS#12 file.", {
      field: "keyPem",
    });
  if (!input.certificatePem?.trim())
    throw new AppError("VALIDATION", "Paste the certificate (PEM).", { field: "certificatePem" });
  const key = await parsePrivateKey({
    text: input.keyPem,
    ...(input.keyPassphrase ? { passphrase: input.keyPassphrase } : {}),
    field: "keyPem",
  });
  return {
    key,
    certificatePem: input.certificatePem,
    chainPem: input.chainPem?.trim() ? input.chainPem : undefined,
  };
}

/** The leaf, and the chain: certificates after the first one plus the separate chain text. */
export function splitChain(
  certificatePem: string,
  chainPem?: string,
): { leafPem: string; chainPem: string | null } {
  const certs = parseCertificatePem(certificatePem, new Date(), "certificatePem");
  const extra = chainPem?.trim() ? parseCertificatePem(chainPem, new Date(), "chainPem") : [];
  const chain = [...certs.slice(1), ...extra].map((c) => c.pem).join("");
  return { leafPem: certs[0]!.pem, chainPem: chain || null };
}
