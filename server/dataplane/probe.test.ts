import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EchoServer, startEchoServer } from "./echo-server";
import { probeVirtualService } from "./probe";
import { randomPort } from "./testing/fixtures";

describe("probeVirtualService and the echo pool server", () => {
  let echo: EchoServer;
  beforeAll(async () => {
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-x" });
  });
  afterAll(() => echo.close());

  it("the echo server names itself and echoes the path", async () => {
    const res = await fetch(`http://127.0.0.1:${echo.port}/a/b?c=1`);
    expect(await res.json()).toMatchObject({ server: "pool-x", method: "GET", path: "/a/b?c=1" });
  });

  it("reports a refused connection as the connect stage", async () => {
    const r = await probeVirtualService({ vip: "127.0.0.1", port: randomPort(), timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, stage: "connect" });
  });

  it("reports a peer that does not speak TLS as the handshake stage", async () => {
    const r = await probeVirtualService({ vip: "127.0.0.1", port: echo.port, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, stage: "handshake" });
  });
});
