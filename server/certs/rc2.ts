/**
 * RC2-CBC decryption (RFC 2268). Only needed for legacy PKCS#12 files, whose certificates are
 * commonly encrypted with pbeWithSHAAnd40BitRC2-CBC; Node's OpenSSL 3 does not load the legacy
 * provider that has RC2, so it is done here. Decryption only: we never produce RC2 data.
 */
const PITABLE = Buffer.from(
  "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32" +
    "bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626" +
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a" +
    "961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731" +
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e" +
    "c5f3db47e5a59c770aa62068fe7fc1ad",
  "hex",
);

/** Key schedule: 64 16-bit words from a key and an effective key length in bits. */
function expandKey(key: Buffer, effectiveBits: number): Uint16Array {
  const L = Buffer.alloc(128);
  key.copy(L);
  const T = key.length;
  for (let i = T; i < 128; i += 1) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i -= 1) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i += 1) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

function decryptBlock(K: Uint16Array, input: Buffer, output: Buffer, at: number): void {
  const R = [
    input.readUInt16LE(at),
    input.readUInt16LE(at + 2),
    input.readUInt16LE(at + 4),
    input.readUInt16LE(at + 6),
  ];
  const shifts = [1, 2, 3, 5];
  let j = 63;
  const mixRounds = (count: number) => {
    for (let round = 0; round < count; round += 1) {
      for (let i = 3; i >= 0; i -= 1) {
        const s = shifts[i]!;
        const r = R[i]!;
        const rotated = ((r >>> s) | (r << (16 - s))) & 0xffff;
        const a = R[(i + 3) % 4]!;
        const b = R[(i + 2) % 4]!;
        const c = R[(i + 1) % 4]!;
        R[i] = (rotated - K[j]! - (a & b) - (~a & c)) & 0xffff;
        j -= 1;
      }
    }
  };
  const mash = () => {
    for (let i = 3; i >= 0; i -= 1) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff;
  };
  mixRounds(5);
  mash();
  mixRounds(6);
  mash();
  mixRounds(5);
  for (let i = 0; i < 4; i += 1) output.writeUInt16LE(R[i]!, at + 2 * i);
}

/** CBC decryption with PKCS#7 padding removal; throws on bad padding (usually a wrong password). */
export function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8) throw new Error("bad RC2 input");
  const K = expandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  for (let at = 0; at < data.length; at += 8) {
    decryptBlock(K, data, out, at);
    const previous = at === 0 ? iv : data.subarray(at - 8, at);
    for (let i = 0; i < 8; i += 1) out[at + i]! ^= previous[i]!;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8) throw new Error("bad padding");
  for (let i = out.length - pad; i < out.length; i += 1) if (out[i] !== pad) throw new Error("bad padding");
  return out.subarray(0, out.length - pad);
}
