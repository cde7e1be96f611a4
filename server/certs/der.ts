/**
 * Minimal DER reader for the few PKCS#5/#12 structures the asn1 packages do not model
 * (CMS EncryptedData, PBES2 and PKCS#12 PBE parameters). Also reads BER indefinite lengths,
 * because some Windows and Java exports of .pfx files use them.
 */
export interface Tlv {
  tag: number;
  /** Contents octets. */
  value: Buffer;
  /** The whole element, header included. */
  raw: Buffer;
}

export function readTlv(input: Buffer, offset = 0): Tlv {
  const tag = byteAt(input, offset);
  let length = byteAt(input, offset + 1);
  let header = 2;
  if (length === 0x80) {
    if (!(tag & 0x20)) throw new Error("indefinite length on a primitive value");
    // Children up to the end-of-contents marker (two zero bytes) at this level.
    let at = offset + 2;
    while (byteAt(input, at) !== 0 || byteAt(input, at + 1) !== 0) at += readTlv(input, at).raw.length;
    return { tag, value: input.subarray(offset + 2, at), raw: input.subarray(offset, at + 2) };
  }
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + byteAt(input, offset + 2 + i);
    header += count;
  }
  const end = offset + header + length;
  if (end > input.length) throw new Error("truncated DER");
  return { tag, value: input.subarray(offset + header, end), raw: input.subarray(offset, end) };
}

/** The elements inside a constructed value (SEQUENCE, [0] …). */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < value.length) {
    const tlv = readTlv(value, offset);
    out.push(tlv);
    offset += tlv.raw.length;
  }
  return out;
}

export function readOid(tlv: Tlv): string {
  if (tlv.tag !== 0x06) throw new Error("expected an OID");
  const bytes = tlv.value;
  const first = byteAt(bytes, 0);
  const parts = [Math.floor(first / 40), first % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

export function readInteger(tlv: Tlv): number {
  if (tlv.tag !== 0x02) throw new Error("expected an INTEGER");
  let value = 0;
  for (const byte of tlv.value) value = value * 256 + byte;
  return value;
}

function byteAt(input: Buffer, index: number): number {
  const byte = input[index];
  if (byte === undefined) throw new Error("truncated DER");
  return byte;
}

/** The bytes of an OCTET STRING, primitive or constructed (BER pieces). */
export function octetsOf(tlv: { tag: number; value: Buffer }): Buffer {
  if (tlv.tag === 0x04) return tlv.value;
  if (tlv.tag === 0x24) return Buffer.concat(children(tlv.value).map((piece) => piece.value)); // constructed (BER)
  throw new Error("expected an OCTET STRING");
}
