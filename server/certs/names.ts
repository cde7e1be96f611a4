import type { Name } from "@peculiar/asn1-x509";
import { NAME_ATTRIBUTES } from "./oids";

/** A distinguished name as the fields the forms use plus the one-line form appliances print. */
export interface NameSummary {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  country?: string;
  email?: string;
  /** One line in certificate order, e.g. `C=US, O=Example, CN=www.example.com` (openssl's order). */
  dn: string;
}

const FIELD: Record<string, keyof Omit<NameSummary, "dn">> = {
  CN: "commonName",
  O: "organization",
  OU: "organizationalUnit",
  L: "locality",
  ST: "state",
  C: "country",
  emailAddress: "email",
};

export function summarizeName(name: Name): NameSummary {
  const summary: NameSummary = { dn: "" };
  const parts: string[] = [];
  for (const rdn of name) {
    for (const attribute of rdn) {
      const short = NAME_ATTRIBUTES[attribute.type] ?? attribute.type;
      const value = attributeText(attribute.value);
      parts.push(`${short}=${escapeDnValue(value)}`);
      const field = FIELD[short];
      // The first occurrence wins for the form fields; the one-line DN keeps every value.
      if (field && summary[field] === undefined) summary[field] = value;
    }
  }
  summary.dn = parts.join(", ");
  return summary;
}

function attributeText(value: { toString(): string; anyValue?: ArrayBuffer }): string {
  try {
    return value.toString();
  } catch {
    return value.anyValue ? `#${Buffer.from(value.anyValue).toString("hex")}` : "";
  }
}

/** RFC 4514 escaping so a comma inside O= cannot be read as a separator. */
function escapeDnValue(value: string): string {
  return value
    .replace(/([,+"\\<>;])/g, "\\$1")
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}
