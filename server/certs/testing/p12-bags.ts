/** Test and bench helper: a hostile PKCS#12 file built from a real one. */
import { AuthenticatedSafe, PFX, SafeContents } from "@peculiar/asn1-pfx";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";

const MiB = 1024 * 1024;
const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";

/** The same file with its shrouded key bag repeated until it is just under 1 MiB. */
export function repeatedKeyBags(der: Buffer): Buffer {
  const pfx = AsnConvert.parse(der, PFX);
  const safe = AsnConvert.parse(
    AsnConvert.parse(pfx.authSafe.content, OctetString).buffer,
    AuthenticatedSafe,
  );
  const contents = safe.map((info) =>
    AsnConvert.parse(AsnConvert.parse(info.content, OctetString).buffer, SafeContents),
  );
  const index = contents.findIndex((bags) => bags.some((bag) => bag.bagId === SHROUDED_KEY_BAG));
  const [data, bags] = [safe[index]!, contents[index]!];
  const keyBag = bags.find((bag) => bag.bagId === SHROUDED_KEY_BAG)!;
  const bagBytes = AsnConvert.serialize(keyBag).byteLength;
  while (der.length + (bags.length + 1) * bagBytes < MiB - 4096) bags.push(keyBag);
  data.content = AsnConvert.serialize(new OctetString(AsnConvert.serialize(bags)));
  pfx.authSafe.content = AsnConvert.serialize(new OctetString(AsnConvert.serialize(safe)));
  // The parser fills in an empty MacData for a file without one; it must not be written back.
  Reflect.deleteProperty(pfx, "macData");
  return Buffer.from(AsnConvert.serialize(pfx));
}
