/** Every object of a token by class, CKA_ID and label: what the console's inventory reconciles. */
import * as pk from "pkcs11js";
import type { ObjectClass, TokenObject, TokenRef } from "../types";
import type { ModuleHost } from "./module";
import { findTemplate } from "./templates";

/** The classes the console may create (a key pair's two halves, certificates, AES keys). */
export const LISTED_CLASSES: Array<[number, ObjectClass]> = [
  [pk.CKO_PRIVATE_KEY, "private-key"],
  [pk.CKO_PUBLIC_KEY, "public-key"],
  [pk.CKO_CERTIFICATE, "certificate"],
  [pk.CKO_SECRET_KEY, "secret-key"],
];

/** Objects of every listed class (optionally one CKA_ID), read once into plain data. */
export function listObjects(
  host: ModuleHost,
  input: { token: TokenRef; idHex?: string },
): Promise<TokenObject[]> {
  return host.call(() => {
    const t = host.token(input.token);
    return t.withSession(true, (s) => {
      const out: TokenObject[] = [];
      const id = input.idHex ? Buffer.from(input.idHex, "hex") : undefined;
      for (const [cls, name] of LISTED_CLASSES) {
        for (const h of t.find(s, findTemplate(cls, id), 10_000)) {
          const a = host.pkcs11.C_GetAttributeValue(s, h, [{ type: pk.CKA_ID }, { type: pk.CKA_LABEL }]);
          out.push({
            idHex: (a.find((x) => x.type === pk.CKA_ID)?.value ?? Buffer.alloc(0)).toString("hex"),
            label: (a.find((x) => x.type === pk.CKA_LABEL)?.value ?? Buffer.alloc(0)).toString("utf8"),
            class: name,
          });
        }
      }
      return out;
    });
  });
}
