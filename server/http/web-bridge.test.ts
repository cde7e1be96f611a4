import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pullBody, toWebRequest } from "./web-bridge";

/** A source of `count` chunks that counts how many the consumer side has taken from it. */
function countingSource(count: number): { stream: Readable; taken: () => number } {
  let taken = 0;
  const stream = new Readable({
    highWaterMark: 1,
    read() {
      taken++;
      this.push(taken <= count ? Buffer.alloc(64 * 1024, taken) : null);
    },
  });
  return { stream, taken: () => taken };
}

describe("the upload body bridge (pulls from the socket only as the handler reads)", () => {
  it("takes no more than a couple of chunks ahead of a handler that read one", async () => {
    const source = countingSource(1000);
    const reader = pullBody(source.stream).getReader();
    const first = await reader.read();
    expect(first.value?.[0]).toBe(1);
    // Let every pending callback run: a pushing adapter would drain all 1000 chunks now.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(source.taken()).toBeLessThanOrEqual(4);
    await reader.cancel();
  });

  it("delivers every byte in order and then ends", async () => {
    const source = countingSource(50);
    let size = 0;
    let last = 0;
    for await (const chunk of pullBody(source.stream) as unknown as AsyncIterable<Uint8Array>) {
      expect(chunk[0]).toBe(last + 1);
      last = chunk[0]!;
      size += chunk.byteLength;
    }
    expect(size).toBe(50 * 64 * 1024);
  });

  it("drops an upload whose client goes silent, without timing the handler's own work", async () => {
    const silent = new Readable({ read() {} });
    const reader = pullBody(silent, 50).getReader();
    await expect(reader.read()).rejects.toThrow("no body bytes arrived");
    expect(silent.destroyed).toBe(true);
  });
});

describe("the Web request made from a Node request", () => {
  const nodeRequest = (url: string, host: string) =>
    Object.assign(Readable.from([]), { url, method: "GET", headers: { host } }) as unknown as import("node:http").IncomingMessage;

  it("carries the request's own host, so APIs can answer links to themselves", () => {
    expect(toWebRequest(nodeRequest("/api/user?page=2", "console.example:8443")).url).toBe(
      "https://console.example:8443/api/user?page=2",
    );
    expect(toWebRequest(nodeRequest("/api/user", "[::1]:3000")).url).toBe("https://[::1]:3000/api/user");
  });

  it("falls back to a neutral host for a Host header that is not a plain host, and keeps only the path of an absolute target", () => {
    expect(toWebRequest(nodeRequest("/api/user", "evil.example/../x@y")).url).toBe("https://console/api/user");
    expect(toWebRequest(nodeRequest("http://other.example/api/user?a=1", "")).url).toBe("https://console/api/user?a=1");
  });
});

describe("the Node response written from a Web response", () => {
  it("writes every Set-Cookie header (Avi's /login sets the session and the CSRF cookie)", async () => {
    const http = await import("node:http");
    const { writeWebResponse } = await import("./web-bridge");
    const server = http.createServer((_req, res) => {
      const answer = new Response("{}", { headers: { "content-type": "application/json" } });
      answer.headers.append("set-cookie", "avi-sessionid=s; Path=/; HttpOnly");
      answer.headers.append("set-cookie", "csrftoken=c; Path=/");
      void writeWebResponse(res, answer);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.150.30", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    const cookies = await new Promise<string[] | undefined>((resolve, reject) =>
      http.get(`http://127.0.150.30:${port}/`, (res) => {
        res.resume();
        resolve(res.headers["set-cookie"]);
      }).on("error", reject),
    );
    await new Promise((resolve) => server.close(resolve));
    expect(cookies).toEqual(["avi-sessionid=s; Path=/; HttpOnly", "csrftoken=c; Path=/"]);
  });
});
