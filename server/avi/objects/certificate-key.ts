import { AppError } from "@/lib/errors";
import { checkFields, enumField, objectField } from "../fields";
import { CURVES, KEY_SIZES, keyChoiceOf } from "./certificate-shape";
import type { Json } from "./types";

/** Avi's key_params: the sizes and curves the console generates in an HSM (or its database). */
export const KEY_PARAMS_RULES = { writable: ["algorithm", "rsa_params", "ec_params"], readOnly: [] };
export const RSA_RULES = { writable: ["key_size", "exponent"], readOnly: [] };
export const EC_RULES = { writable: ["curve"], readOnly: [] };

/** Avi's default is RSA 2048; sizes and curves the console cannot generate are refused with the reason. */
export function keyOf(body: Json): string {
  const params = objectField(body, "key_params");
  if (!params) return "RSA-2048";
  checkFields(params, KEY_PARAMS_RULES, null, "key_params.");
  const algorithm =
    enumField(params, "algorithm", ["SSL_KEY_ALGORITHM_RSA", "SSL_KEY_ALGORITHM_EC"], "key_params.") ??
    "SSL_KEY_ALGORITHM_RSA";
  if (algorithm === "SSL_KEY_ALGORITHM_EC") {
    const ec = objectField(params, "ec_params", "key_params.") ?? {};
    checkFields(ec, EC_RULES, null, "key_params.ec_params.");
    const curve = enumField(
      ec,
      "curve",
      ["SSL_KEY_EC_CURVE_SECP256R1", "SSL_KEY_EC_CURVE_SECP384R1"],
      "key_params.ec_params.",
    );
    return keyChoiceOf(algorithm, undefined, CURVES[curve ?? "SSL_KEY_EC_CURVE_SECP256R1"]);
  }
  const rsa = objectField(params, "rsa_params", "key_params.") ?? {};
  checkFields(rsa, RSA_RULES, null, "key_params.rsa_params.");
  if (rsa.key_size === "SSL_KEY_1024_BITS") {
    throw new AppError(
      "VALIDATION",
      "RSA 1024-bit keys are refused: they are too weak for TLS today. Use SSL_KEY_2048_BITS or larger, or an EC curve.",
      { field: "key_params.rsa_params.key_size" },
    );
  }
  const size = enumField(
    rsa,
    "key_size",
    ["SSL_KEY_2048_BITS", "SSL_KEY_3072_BITS", "SSL_KEY_4096_BITS"],
    "key_params.rsa_params.",
  );
  if (rsa.exponent !== undefined && rsa.exponent !== 65537) {
    throw new AppError("VALIDATION", "The console generates RSA keys with the public exponent 65537 only.", {
      field: "key_params.rsa_params.exponent",
    });
  }
  return keyChoiceOf(algorithm, KEY_SIZES[size ?? "SSL_KEY_2048_BITS"], undefined);
}
