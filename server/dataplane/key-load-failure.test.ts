import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkKey } from "./checks";
import { prepareFolders, writeCandidate, writePin } from "./files";
import { type P11KitServer, SOFTHSM_PROVIDER, startP11KitServer } from "./hsm-access";
import { resolveRunAs } from "./process";
import { createToken, randomPort, type TempRoot, tempRoot } from "./testing/fixtures";
import type { ServiceEngineSpec, VirtualServiceSpec } from "./types";

/**
 * The engine's key check tells causes apart (libp11 says "private key was not found" after every
 * failure): real SoftHSM behind a real p11-kit server, the same engine and client module as nginx.
 */
describe("key load failures name their cause", () => {
  let root: TempRoot;
  let server: P11KitServer;
  let spec: ServiceEngineSpec;
  let vs: VirtualServiceSpec;
  const runAs = resolveRunAs();

  beforeAll(async () => {
    root = tempRoot("dp-cause-");
    const token = createToken(root.dir, "causes");
    const uri = token.generateKey("01", "EC:prime256v1");
    const socketPath = path.join(root.dir, "hsm.sock");
    server = await startP11KitServer({
      providerPath: SOFTHSM_PROVIDER,
      providerEnv: { SOFTHSM2_CONF: token.conf },
      tokenLabel: token.label,
      socketPath,
      pidFile: path.join(root.dir, "p11.pid"),
      runAs,
    });
    vs = {
      id: "causes",
      name: "Causes",
      vip: "127.0.123.40",
      ports: [{ port: randomPort(), ssl: true }],
      certificatePem: token.selfSignedCertificate(uri, "causes.example"),
      keyUri: uri,
      pool: [{ host: "127.0.0.1", port: 9 }],
    };
    spec = {
      name: "se-causes",
      dataDir: path.join(root.dir, "se"),
      hsm: { kind: "socket", socketPath, pin: token.pin },
      virtualServices: [vs],
    };
    prepareFolders(spec, runAs);
    writePin(spec, runAs);
    writeCandidate(spec);
  });

  afterAll(async () => {
    await server?.stop();
    root?.cleanup();
  });

  const causeOf = async (s: ServiceEngineSpec, v: VirtualServiceSpec) => {
    writePin(s, runAs);
    const error = await checkKey(s, v, runAs).then(
      () => null,
      (e: unknown) => e as { message: string; details: { cause: string } },
    );
    writePin(spec, runAs);
    return error && { cause: error.details.cause, message: error.message };
  };

  it("the right key loads", async () => {
    await expect(checkKey(spec, vs, runAs)).resolves.toBeUndefined();
  });

  it("a key that is not on the token: key not found", async () => {
    const ghost = { ...vs, keyUri: vs.keyUri!.replace("id=%01", "id=%09") };
    expect(await causeOf(spec, ghost)).toMatchObject({
      cause: "key-not-found",
      message: expect.stringContaining("key not found on this HSM"),
    });
  });

  it("a refused partition password: partition locked, not 'key not found'", async () => {
    const wrong = { ...spec, hsm: { ...spec.hsm, pin: "9999" } };
    const got = await causeOf(wrong, vs);
    expect(got).toMatchObject({
      cause: "partition-locked",
      message: expect.stringContaining("partition locked"),
    });
    expect(got!.message).not.toContain("not found");
  });

  it("a partition this client cannot see: partition not visible", async () => {
    const other = { ...vs, keyUri: vs.keyUri!.replace("token=causes", "token=par99") };
    expect(await causeOf(spec, other)).toMatchObject({ cause: "partition-not-visible" });
  });

  it("a dead HSM link: HSM unreachable", async () => {
    const dead = { ...spec, hsm: { ...spec.hsm, socketPath: path.join(root.dir, "gone.sock") } };
    expect(await causeOf(dead, vs)).toMatchObject({
      cause: "hsm-unreachable",
      message: expect.stringContaining("HSM unreachable"),
    });
  });
});
