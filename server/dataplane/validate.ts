import { isIPv4 } from "node:net";
import path from "node:path";
import { AppError } from "@/lib/errors";
import type { ServiceEngineSpec } from "./types";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * RFC 7512 path characters only. Everything that could break out of a quoted nginx string or be
 * read as an nginx variable (`"`, `\`, `$`, whitespace) is refused, and so is a query part: the SE
 * adds `pin-source` itself so that no PIN ever sits in a URI.
 */
const PKCS11_URI = /^pkcs11:[A-Za-z0-9%;=._~:@!&'()*+,/-]+$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$/;
/** Unix socket paths are limited to 107 bytes (sun_path). */
const MAX_SOCKET_PATH = 107;

function fail(field: string, message: string): never {
  throw new AppError("VALIDATION", message, { field });
}

function checkPort(port: number, field: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(field, `Port ${port} is not in 1–65535.`);
}

/** Refuses a spec the SE cannot serve, naming the field at fault. Pure. */
export function validateSpec(spec: ServiceEngineSpec): void {
  if (!ID.test(spec.name)) fail("name", "A service engine name uses letters, digits, '-' and '_' only.");
  if (!path.isAbsolute(spec.dataDir)) fail("dataDir", "The service engine folder must be an absolute path.");
  if (/[\s"'$;{}\\]/.test(spec.dataDir))
    fail("dataDir", "The service engine folder path has unsafe characters.");
  const socket = spec.hsm.kind === "socket" ? spec.hsm.socketPath : path.join(spec.dataDir, "run/hsm.sock");
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH)
    fail("hsm", `The HSM socket path is longer than ${MAX_SOCKET_PATH} bytes; use a shorter folder.`);
  if (spec.hsm.pin === "") fail("hsm.pin", "The HSM partition PIN is required.");
  if (spec.workerProcesses !== undefined && !(spec.workerProcesses >= 1 && spec.workerProcesses <= 16))
    fail("workerProcesses", "Worker processes must be 1–16.");

  const listeners = new Map<string, string>();
  const ids = new Set<string>();
  spec.virtualServices.forEach((vs, i) => {
    const f = `virtualServices.${i}`;
    if (!ID.test(vs.id)) fail(`${f}.id`, "A virtual service id uses letters, digits, '-' and '_' only.");
    if (ids.has(vs.id)) fail(`${f}.id`, `Virtual service id ${vs.id} is used twice.`);
    ids.add(vs.id);
    if (!isIPv4(vs.vip)) fail(`${f}.vip`, `VIP ${vs.vip} is not an IPv4 address.`);
    if (vs.ports.length === 0) fail(`${f}.ports`, "A virtual service needs at least one port.");
    vs.ports.forEach((p, j) => {
      checkPort(p.port, `${f}.ports.${j}.port`);
      const key = `${vs.vip}:${p.port}`;
      const other = listeners.get(key);
      if (other) fail(`${f}.ports.${j}.port`, `${key} is already used by virtual service ${other}.`);
      listeners.set(key, vs.name);
    });
    if (vs.front) {
      if (!/^x-[a-z0-9-]{1,60}$/.test(vs.front.secretHeader))
        fail(`${f}.front.secretHeader`, "The front's header name is x- and lowercase letters, digits, dashes.");
      if (!/^[A-Za-z0-9_-]{32,128}$/.test(vs.front.secret))
        fail(`${f}.front.secret`, "The front's secret is 32–128 letters, digits, '-' and '_'.");
      if (!/^https:\/\/[A-Za-z0-9.:[\]-]{1,300}$/.test(vs.front.redirectTo))
        fail(`${f}.front.redirectTo`, "The front redirects to https://host:port with no path.");
    }
    if (vs.ports.some((p) => p.ssl)) {
      if (!vs.certificatePem?.includes("BEGIN CERTIFICATE"))
        fail(`${f}.certificatePem`, "SSL is on but no PEM certificate is given.");
      if (/PRIVATE KEY/.test(`${vs.certificatePem}${vs.chainPem ?? ""}`))
        fail(
          `${f}.certificatePem`,
          "A private key must never be given to a service engine; keys stay in the HSM.",
        );
      if (!vs.keyUri || !PKCS11_URI.test(vs.keyUri))
        fail(`${f}.keyUri`, "SSL is on but the key is not a PKCS#11 URI (pkcs11:token=…;id=…;type=private).");
      if (/pin-(value|source)/i.test(vs.keyUri)) fail(`${f}.keyUri`, "The key URI must not carry a PIN.");
    }
    vs.pool.forEach((s, j) => {
      if (!HOST.test(s.host)) fail(`${f}.pool.${j}.host`, `Pool server ${s.host} is not an address.`);
      checkPort(s.port, `${f}.pool.${j}.port`);
    });
  });
}
