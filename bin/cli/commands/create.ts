import { isIP } from "node:net";
import { certificateCommand, HSM_GROUP_WORDS, RESOURCE } from "../certificates";
import { usage } from "../errors";
import { intValue } from "../values";

const WORDS = [
  "type",
  "key_type",
  "key_size",
  "curve",
  "common_name",
  "san",
  "validity_days",
  "organization",
  "organizational_unit",
  "locality",
  "state",
  "country",
  "email",
];
const CURVES: Record<string, string> = { "p-256": "P-256", secp256r1: "P-256", prime256v1: "P-256" };
Object.assign(CURVES, { "p-384": "P-384", secp384r1: "P-384" });

/** `key_type ec curve P-256` / `key_type rsa key_size 2048` → the console's key choice. */
function keyChoice(values: Map<string, string | undefined>): string {
  const type = (values.get("key_type") ?? "ec").toLowerCase();
  if (type === "ec") {
    const curve = CURVES[(values.get("curve") ?? "P-256").toLowerCase()];
    if (!curve) throw usage("curve is one of: P-256 (secp256r1), P-384 (secp384r1).");
    return `EC-${curve}`;
  }
  if (type === "rsa") return `RSA-${intValue("key_size", values.get("key_size") ?? "2048")}`;
  throw usage("key_type is ec or rsa.");
}

/**
 * `create sslkeyandcertificate NAME type self_signed|csr [hsm_group G] key_type ec|rsa
 * [curve C|key_size N] common_name CN [san S ...] [validity_days N]`: the key is generated in
 * the HSM group; the command waits until the console reports the outcome.
 */
export const create = certificateCommand({
  verb: "create",
  usage: "create sslkeyandcertificate NAME type self_signed|csr [hsm_group G] key_type ec|rsa ...",
  summary: "create a key (in an HSM group) and a self-signed certificate or a CSR",
  words: WORDS,
  path: "",
  body(values, list) {
    const sans = list.filter(([k]) => k === "san").flatMap(([, v]) => v!.split(","));
    return {
      type: (values.get("type") ?? "").replace("_", "-"),
      key: keyChoice(values),
      commonName: values.get("common_name") ?? "",
      dnsNames: sans.filter((s) => !isIP(s)),
      ipAddresses: sans.filter((s) => isIP(s)),
      validityDays: intValue("validity_days", values.get("validity_days") ?? "365"),
      organization: values.get("organization"),
      organizationalUnit: values.get("organizational_unit"),
      locality: values.get("locality"),
      state: values.get("state"),
      country: values.get("country"),
      email: values.get("email"),
    };
  },
  complete(args) {
    if (args.length <= 1) return [RESOURCE];
    if (args.length === 2) return [];
    const previous = args.at(-2);
    if (previous === "type") return ["self_signed", "csr"];
    if (previous === "key_type") return ["ec", "rsa"];
    if (previous === "curve") return ["P-256", "P-384"];
    if (previous === "key_size") return ["2048", "3072", "4096"];
    return args.length % 2 === 1 ? [...WORDS, ...HSM_GROUP_WORDS] : [];
  },
});
