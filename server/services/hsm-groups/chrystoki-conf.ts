/**
 * The Luna client's Chrystoki.conf for one client node (REFERENCE.md): the NTLS servers with
 * port 1792, the pinned server certificates, this client's certificate and key files, and the
 * VirtualToken / HAConfiguration sections when HA is on.
 */
export interface ChrystokiInput {
  clientName: string;
  groupName: string;
  servers: { address: string; port: number; partitionSerial: string | null; partition: string }[];
  isHa: boolean;
  haGroupNum: string | null;
}

const LUNA_DIR = "/usr/safenet/lunaclient";
const pad = (n: number) => String(n).padStart(2, "0");

export function renderChrystokiConf(c: ChrystokiInput): string {
  const lines = [
    "Chrystoki2 = {",
    `   LibUNIX64 = ${LUNA_DIR}/lib/libCryptoki2_64.so;`,
    "}",
    "",
    "LunaSA Client = {",
    "   NetClient = 1;",
    "   TCPKeepAlive = 1;",
    `   ServerCAFile = ${LUNA_DIR}/cert/server/CAFile.pem;`,
    `   ClientCertFile = ${LUNA_DIR}/cert/client/${c.clientName}.pem;`,
    `   ClientPrivKeyFile = ${LUNA_DIR}/cert/client/${c.clientName}Key.pem;`,
  ];
  c.servers.forEach((s, i) => {
    lines.push(
      `   ServerName${pad(i)} = ${s.address};`,
      `   ServerPort${pad(i)} = ${s.port};`,
      `   ServerHtl${pad(i)} = 0;`,
    );
  });
  lines.push("}");
  if (c.isHa && c.servers.length >= 2) {
    const members = c.servers.map((s) => s.partitionSerial ?? s.partition).join(",");
    lines.push(
      "",
      "VirtualToken = {",
      `   VirtualToken00Label = ${c.groupName};`,
      `   VirtualToken00SN = ${c.haGroupNum ?? `1${c.servers[0]?.partitionSerial ?? ""}`};`,
      `   VirtualToken00Members = ${members};`,
      "}",
      "",
      "HAConfiguration = {",
      "   HAOnly = 1;",
      "   reconnAtt = -1;",
      "   AutoReconnectInterval = 60;",
      "}",
      "",
      "HASynchronize = {",
      `   ${c.groupName} = 1;`,
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

export type DiffLine = { op: " " | "+" | "-"; text: string };

/** A plain line diff (longest common subsequence): enough for files of a few dozen lines. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: "-", text: a[i++]! });
    else out.push({ op: "+", text: b[j++]! });
  }
  while (i < a.length) out.push({ op: "-", text: a[i++]! });
  while (j < b.length) out.push({ op: "+", text: b[j++]! });
  return out;
}
