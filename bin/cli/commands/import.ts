import { certificateCommand, HSM_GROUP_WORDS, RESOURCE } from "../certificates";
import { base64FileValue, textValue } from "../values";

const WORDS = ["key", "key_passphrase", "certificate", "chain", "pkcs12", "password"];

/**
 * `import sslkeyandcertificate NAME key file:key.pem [key_passphrase P] certificate file:cert.pem
 * [chain file:chain.pem] [hsm_group G]`, or `pkcs12 file:x.p12 password P` instead of key and
 * certificate. The key goes into the HSM group; passphrases are never printed.
 */
export const importCommand = certificateCommand({
  verb: "import",
  usage: "import sslkeyandcertificate NAME key file:K certificate file:C | pkcs12 file:P [hsm_group G]",
  summary: "import a key and certificate (PEM, encrypted PEM or PKCS#12) into an HSM group",
  words: WORDS,
  path: "/importkeyandcertificate",
  body(values) {
    const text = (word: string) => (values.has(word) ? textValue(word, values.get(word)) : undefined);
    return {
      keyPem: text("key"),
      keyPassphrase: values.get("key_passphrase"),
      certificatePem: text("certificate"),
      chainPem: text("chain"),
      pkcs12Base64: values.has("pkcs12") ? base64FileValue("pkcs12", values.get("pkcs12")) : undefined,
      pkcs12Password: values.get("password"),
    };
  },
  complete(args) {
    if (args.length <= 1) return [RESOURCE];
    return args.length >= 3 && args.length % 2 === 1 ? [...WORDS, ...HSM_GROUP_WORDS] : [];
  },
});
