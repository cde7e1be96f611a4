import { isDeepStrictEqual } from "node:util";
import { AppError } from "@/lib/errors";
import type { Certificate, CertificateSummary } from "@/lib/schemas/certificate";
import { checkFields, COMMON_READ_ONLY, enumField, objectField, stringField } from "../fields";
import { parseRef } from "../ids";
import { EC_RULES, KEY_PARAMS_RULES, keyOf, RSA_RULES } from "./certificate-key";
import { certificateToAvi, SUBJECT_INPUT } from "./certificate-shape";
import type { AviCtx, AviKind, Item, Json } from "./types";

const KIND = "sslkeyandcertificate";
const CONSOLE_PAGE_MAX = 100;
/** Avi answers a create when the key exists; the console makes it in the background, so we wait. */
const SETTLE_TIMEOUT_MS = 120_000;

const CERT_RULES = {
  writable: ["certificate", "self_signed", "subject", "subject_alt_names", "days_until_expire"],
  readOnly: [
    "issuer",
    "not_after",
    "not_before",
    "expiry_status",
    "serial_number",
    "fingerprint",
    "certificate_signing_request",
  ],
};
const SUBJECT_RULES = { writable: Object.keys(SUBJECT_INPUT), readOnly: ["distinguished_name"] };

export const certificateKind: AviKind = {
  kind: KIND,
  summary: "SSL/TLS certificates (key_params, hardwaresecuritymodulegroup_ref; CSR completed by PUT)",
  rules: {
    writable: [
      "name",
      "type",
      "key_params",
      "hardwaresecuritymodulegroup_ref",
      "certificate",
      "key",
      "key_passphrase",
      "format",
      "import_key_to_hsm",
    ],
    readOnly: [...COMMON_READ_ONLY, "status", "status_reason"],
  },
  fieldNames: [
    [/^commonName$/, "certificate.subject.common_name"],
    [/^organization$/, "certificate.subject.organization"],
    [/^organizationalUnit$/, "certificate.subject.organization_unit"],
    [/^locality$/, "certificate.subject.locality"],
    [/^state$/, "certificate.subject.state"],
    [/^country$/, "certificate.subject.country"],
    [/^email$/, "certificate.subject.email_address"],
    [/^(dnsNames|ipAddresses)(\.\d+)?$/, "certificate.subject_alt_names"],
    [/^validityDays$/, "certificate.days_until_expire"],
    [/^key$/, "key_params"],
    [/^hsmGroupId$/, "hardwaresecuritymodulegroup_ref"],
    [/^keyPem$/, "key"],
    [/^keyPassphrase$/, "key_passphrase"],
    [/^certificatePem$/, "certificate.certificate"],
  ],
  nested: {
    certificate: CERT_RULES,
    "certificate.subject": SUBJECT_RULES,
    key_params: KEY_PARAMS_RULES,
    "key_params.rsa_params": RSA_RULES,
    "key_params.ec_params": EC_RULES,
  },
  notes: [
    "type: SSL_CERTIFICATE_TYPE_VIRTUALSERVICE only; format: SSL_PEM only (PKCS#12 files go through the console's import).",
    "Keys: RSA 2048, 3072 or 4096 bits (exponent 65537) and EC SECP256R1 or SECP384R1; RSA 1024 is refused as too weak, SECP521R1 as not generated here. Without key_params: RSA 2048, as in Avi.",
    "certificate.self_signed true makes a self-signed certificate; otherwise a CSR (status SSL_CERTIFICATE_PENDING, certificate.certificate_signing_request) that a PUT with certificate.certificate completes; the console checks the certificate is for the key.",
    "key with certificate.certificate imports a key (into the HSM group of hardwaresecuritymodulegroup_ref when given; import_key_to_hsm false is refused with it).",
    "POST answers once the key exists (the console makes it in the background); a failed generation answers 409 with the reason, the certificate is kept with status_reason (extension).",
    "certificate.days_until_expire is the validity on create; answers give the days remaining.",
    "A PUT changes nothing else: renew with POST …/<uuid>/renew (console shape) or create a new certificate. ca_certs, OCSP, certificate_management_profile_ref and enckey_* are refused.",
  ],
  list: async (ctx, paging) => {
    // Avi's page maps onto the console's page when it fits; larger pages read several.
    const size = paging?.pageSize ?? CONSOLE_PAGE_MAX;
    if (paging && size <= CONSOLE_PAGE_MAX) {
      const page = await consolePage(ctx, paging.page, size, paging.name);
      return { total: page.total, items: page.items, paged: true };
    }
    const items: Item[] = [];
    for (let p = 1; ; p++) {
      const page = await consolePage(ctx, p, CONSOLE_PAGE_MAX, paging?.name);
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) return { total: page.total, items };
    }
  },
  get: async (ctx, id) => (await ctx.call("certificates.get", { id })) as Item,
  toAvi: (ctx, item) => certificateToAvi(ctx, item as unknown as Certificate),
  create: async (ctx, body) => {
    checkFields(body, certificateKind.rules, null);
    const id = await createFrom(ctx, body);
    await settled(ctx, id);
    return id;
  },
  update: async (ctx, item, body, current) => {
    checkFields(body, certificateKind.rules, current);
    await completeCsr(ctx, item as unknown as Certificate, body, current);
  },
  remove: async (ctx, id) => {
    await ctx.call("certificates.remove", { id });
  },
};

async function consolePage(ctx: AviCtx, page: number, pageSize: number, name?: string) {
  const answer = (await ctx.call("certificates.list", {
    page,
    pageSize,
    ...(name ? { search: name } : {}),
  })) as { items: CertificateSummary[]; total: number };
  return { total: answer.total, items: answer.items as unknown as Item[] };
}

async function createFrom(ctx: AviCtx, body: Json): Promise<string> {
  enumField(body, "type", ["SSL_CERTIFICATE_TYPE_VIRTUALSERVICE"]);
  enumField(body, "format", ["SSL_PEM"]);
  const hsmRef = body.hardwaresecuritymodulegroup_ref;
  const hsmGroupId = hsmRef
    ? await ctx.resolve(
        "hardwaresecuritymodulegroup",
        parseRef("hardwaresecuritymodulegroup", hsmRef, "hardwaresecuritymodulegroup_ref"),
        "hardwaresecuritymodulegroup_ref",
      )
    : undefined;
  const cert = objectField(body, "certificate") ?? {};
  checkFields(cert, CERT_RULES, null, "certificate.");
  const name = stringField(body, "name") ?? "";
  const key = stringField(body, "key");
  if (key !== undefined) {
    if (hsmGroupId && body.import_key_to_hsm === false) {
      throw new AppError(
        "VALIDATION",
        "With hardwaresecuritymodulegroup_ref the console always imports the key into the HSM group; remove import_key_to_hsm: false.",
        { field: "import_key_to_hsm" },
      );
    }
    const created = (await ctx.call("certificates.import", {
      name,
      ...(hsmGroupId ? { hsmGroupId } : {}),
      keyPem: key,
      ...(body.key_passphrase ? { keyPassphrase: stringField(body, "key_passphrase") } : {}),
      certificatePem: stringField(cert, "certificate", "certificate.") ?? "",
    })) as { id: string };
    return created.id;
  }
  for (const field of ["key_passphrase", "import_key_to_hsm"]) {
    if (body[field] !== undefined)
      throw new AppError("VALIDATION", `"${field}" applies only with "key" (an import).`, { field });
  }
  if (cert.certificate !== undefined) {
    throw new AppError(
      "VALIDATION",
      'A certificate without its key cannot be created: give "key" too, or create a CSR and complete it with PUT.',
      { field: "certificate.certificate" },
    );
  }
  const created = (await ctx.call("certificates.create", generateInput(name, hsmGroupId, body, cert))) as {
    id: string;
  };
  return created.id;
}

function generateInput(name: string, hsmGroupId: string | undefined, body: Json, cert: Json): Json {
  const subject = objectField(cert, "subject", "certificate.") ?? {};
  checkFields(subject, SUBJECT_RULES, null, "certificate.subject.");
  const names = (Array.isArray(cert.subject_alt_names) ? cert.subject_alt_names : []).map(String);
  const ip = /^[\d.]+$|:/;
  const input: Json = {
    name,
    type: cert.self_signed === true ? "self-signed" : "csr",
    ...(hsmGroupId ? { hsmGroupId } : {}),
    key: keyOf(body),
    dnsNames: names.filter((n) => !ip.test(n)),
    ipAddresses: names.filter((n) => ip.test(n)),
    validityDays: typeof cert.days_until_expire === "number" ? cert.days_until_expire : 365,
  };
  for (const [avi, field] of Object.entries(SUBJECT_INPUT))
    if (subject[avi] !== undefined) input[field] = subject[avi];
  return input;
}

/**
 * A PUT can complete a CSR (certificate.certificate on a PENDING certificate), Avi's way of
 * uploading the signed certificate; anything else must equal the current object.
 */
async function completeCsr(ctx: AviCtx, c: Certificate, body: Json, current: Json): Promise<void> {
  const cert = objectField(body, "certificate") ?? {};
  const currentCert = (current.certificate ?? {}) as Json;
  const signed = stringField(cert, "certificate", "certificate.");
  const completing = signed !== undefined && c.status === "awaiting-certificate";
  for (const key of Object.keys(body)) {
    if (key === "certificate" || COMMON_READ_ONLY.includes(key as never) || key === "status") continue;
    if (!sameAs(body[key], current[key])) throw unchangeable(key);
  }
  for (const key of Object.keys(cert)) {
    if (key === "certificate" && completing) continue;
    if (key === "days_until_expire") continue; // Remaining days: it moves on its own.
    if (!sameAs(cert[key], currentCert[key])) throw unchangeable(`certificate.${key}`);
  }
  if (completing) await ctx.call("certificates.uploadSigned", { id: c.id, certificatePem: signed });
}

function sameAs(given: unknown, current: unknown): boolean {
  if (typeof given === "string" && typeof current === "string" && given.includes("/api/")) {
    return new URL(given, "https://r.invalid").pathname === new URL(current, "https://r.invalid").pathname;
  }
  if (typeof given === "string" && typeof current === "string") return given.trim() === current.trim();
  return isDeepStrictEqual(given, current);
}

function unchangeable(field: string): AppError {
  return new AppError(
    "VALIDATION",
    `"${field}" cannot be changed on an existing certificate: a PUT only completes a CSR (certificate.certificate while status is SSL_CERTIFICATE_PENDING). Create a new certificate instead.`,
    { field },
  );
}

/** Waits for the background key generation; a failure is answered with its reason. */
async function settled(ctx: AviCtx, id: string): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const c = (await ctx.call("certificates.get", { id })) as Certificate;
    if (c.status === "failed") {
      throw new AppError(
        "CONFLICT",
        `Creating "${c.name}" failed: ${c.failureReason ?? "unknown reason"}. It is kept as failed; DELETE /api/${KIND}/${KIND}-${id} removes it.`,
      );
    }
    if (c.status !== "creating" || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
