import type { createHash as CreateHash } from "node:crypto";

/** PKCS#12 passwords are BMPString (UTF-16BE) with a terminating NUL pair (RFC 7292 B.1). */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i += 1) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

/**
 * The PKCS#12 key derivation (RFC 7292 Appendix B.2), used by the legacy PBE algorithms and the
 * MAC; Node has no API for it. `id` 1 = key, 2 = IV, 3 = MAC key.
 *
 * Self-contained on purpose (no outer names, `createHash` passed in): kdf.ts runs this very
 * function's source in a worker thread, so that its hash loop never runs on the event loop.
 */
export function pkcs12KdfBody(
  createHash: typeof CreateHash,
  hash: string,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  id: number,
  length: number,
): Buffer {
  const v = ({ sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128 } as Record<string, number>)[hash];
  if (!v) throw new Error(`unsupported hash ${hash}`);
  const repeatTo = (input: Uint8Array, size: number) => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i += 1) out[i] = input[i % input.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const S = salt.length ? repeatTo(salt, v * Math.ceil(salt.length / v)) : Buffer.alloc(0);
  const P = password.length ? repeatTo(password, v * Math.ceil(password.length / v)) : Buffer.alloc(0);
  const I = Buffer.concat([S, P]);
  const chunks: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let i = 1; i < iterations; i += 1) A = createHash(hash).update(A).digest();
    chunks.push(A);
    produced += A.length;
    if (produced >= length) break;
    const B = repeatTo(A, v);
    // I_j = (I_j + B + 1) mod 2^(8v), for each v-byte block of I.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k -= 1) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(chunks).subarray(0, length);
}
