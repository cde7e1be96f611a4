/** Pure conversions (no pkcs11js): curves, ECDSA signature encodings, SPKI, hex. */
import { createPublicKey } from "node:crypto";
import type { Curve, HashAlgorithm, KeySpec } from "./types";

export const CURVES: Record<Curve, { oidDer: Buffer; bytes: number; bits: number; jwk: string }> = {
  "P-256": { oidDer: Buffer.from("06082a8648ce3d030107", "hex"), bytes: 32, bits: 256, jwk: "P-256" },
  "P-384": { oidDer: Buffer.from("06052b81040022", "hex"), bytes: 48, bits: 384, jwk: "P-384" },
  "P-521": { oidDer: Buffer.from("06052b81040023", "hex"), bytes: 66, bits: 521, jwk: "P-521" },
};

export function curveFromParams(params: Buffer): Curve | undefined {
  for (const [name, c] of Object.entries(CURVES)) if (c.oidDer.equals(params)) return name as Curve;
  return undefined;
}

export function hashLength(hash: HashAlgorithm): number {
  return hash === "SHA-256" ? 32 : hash === "SHA-384" ? 48 : 64;
}

export function nodeHashName(hash: HashAlgorithm): string {
  return hash.replace("-", "").toLowerCase();
}

/** Reads a DER length at `offset`; returns [length, headerBytes]. */
function derLength(buf: Buffer, offset: number): [number, number] {
  const first = buf[offset] ?? 0;
  if (first < 0x80) return [first, 1];
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (buf[offset + 1 + i] ?? 0);
  return [len, 1 + n];
}

function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

function derInteger(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  let v = unsigned.subarray(i);
  if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([derHeader(0x02, v.length), v]);
}

/** PKCS#11 CKM_ECDSA output (r || s) → DER Ecdsa-Sig-Value (X.509, TLS). */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  const b = Buffer.from(raw);
  const half = b.length / 2;
  const body = Buffer.concat([derInteger(b.subarray(0, half)), derInteger(b.subarray(half))]);
  return Buffer.concat([derHeader(0x30, body.length), body]);
}

/** DER Ecdsa-Sig-Value → r || s, each `size` bytes. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Buffer {
  const b = Buffer.from(der);
  let off = 1;
  const [, h] = derLength(b, off);
  off += h;
  const parts: Buffer[] = [];
  for (let k = 0; k < 2; k++) {
    if (b[off] !== 0x02) throw new Error("not an ECDSA DER signature");
    const [len, hl] = derLength(b, off + 1);
    let v = b.subarray(off + 1 + hl, off + 1 + hl + len);
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    parts.push(Buffer.concat([Buffer.alloc(size - v.length), v]));
    off += 1 + hl + len;
  }
  return Buffer.concat(parts);
}

/** CKA_EC_POINT is normally a DER OCTET STRING around the uncompressed point; some tokens give it bare. */
export function ecPointFromAttribute(value: Buffer): Buffer {
  if (value[0] === 0x04 && value.length > 2) {
    const [len, h] = derLength(value, 1);
    if (1 + h + len === value.length && value[1 + h] === 0x04) return value.subarray(1 + h);
  }
  return value;
}

export function ecPointToAttribute(point: Buffer): Buffer {
  return Buffer.concat([derHeader(0x04, point.length), point]);
}

const b64u = (b: Buffer) => b.toString("base64url");

export function rsaSpki(modulus: Buffer, exponent: Buffer): Buffer {
  return createPublicKey({ key: { kty: "RSA", n: b64u(modulus), e: b64u(exponent) }, format: "jwk" }).export({
    type: "spki",
    format: "der",
  });
}

export function ecSpki(curve: Curve, point: Buffer): Buffer {
  const size = CURVES[curve].bytes;
  const x = point.subarray(1, 1 + size);
  const y = point.subarray(1 + size, 1 + 2 * size);
  return createPublicKey({
    key: { kty: "EC", crv: CURVES[curve].jwk, x: b64u(x), y: b64u(y) },
    format: "jwk",
  }).export({
    type: "spki",
    format: "der",
  });
}

export function hexToBuffer(hex: string): Buffer {
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(hex)) throw new Error("CKA_ID must be 1..64 bytes of hex");
  return Buffer.from(hex, "hex");
}

export function trimPadded(s: string): string {
  return s.replace(/[\s\0]+$/, "");
}

const CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
const CKM_EC_KEY_PAIR_GEN = 0x1040;

/** The key specs a token can generate, from its mechanism list (so the UI offers only those). */
export function offeredKeySpecs(
  mechanisms: Array<{
    value: number;
    minKeySize: number;
    maxKeySize: number;
    flags: { generateKeyPair: boolean };
  }>,
): KeySpec[] {
  const out: KeySpec[] = [];
  const rsa = mechanisms.find((m) => m.value === CKM_RSA_PKCS_KEY_PAIR_GEN && m.flags.generateKeyPair);
  if (rsa) {
    for (const bits of [2048, 3072, 4096] as const) {
      if (bits >= rsa.minKeySize && bits <= rsa.maxKeySize) out.push({ type: "RSA", bits });
    }
  }
  const ec = mechanisms.find((m) => m.value === CKM_EC_KEY_PAIR_GEN && m.flags.generateKeyPair);
  if (ec) {
    for (const curve of ["P-256", "P-384", "P-521"] as const) {
      // Some tokens report EC sizes in bytes or leave them 0: accept those.
      const bits = CURVES[curve].bits;
      if (ec.maxKeySize === 0 || ec.maxKeySize < 100 || (bits >= ec.minKeySize && bits <= ec.maxKeySize)) {
        out.push({ type: "EC", curve });
      }
    }
  }
  return out;
}
