import type http from "node:http";
import { Readable } from "node:stream";
import { errorEnvelope } from "./error-response";
import SECURITY_HEADERS from "./security-headers.json";

/** An upload whose client sends nothing for this long is dropped. */
const BODY_SILENCE_MS = 120_000;

/**
 * A route served by the console's own listener with Web Request/Response, ahead of Next. It
 * answers POST unless it lists its methods (health and metrics: GET and HEAD).
 */
export type WebHandler = ((req: Request) => Promise<Response>) & { methods?: readonly string[] };

/** Picks the handler for a request; undefined leaves the request to Next. */
export type WebRouter = (method: string, pathname: string) => WebHandler | undefined;

/**
 * The request body as a Web stream that reads the socket only when the handler asks for more.
 * Next's own adapter enqueues every chunk as it arrives, so a slow consumer (a tar spooled to
 * disk) holds the whole body in memory (bench: rss_*_4_parallel_*_uploads_mb). Pulling keeps TCP's
 * flow control in charge.
 */
export function pullBody(source: Readable, silentMs = BODY_SILENCE_MS): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Only the wait for the client's bytes counts: the handler's own work never times out here.
        const timer = setTimeout(() => source.destroy(new Error("no body bytes arrived")), silentMs);
        const next = await chunks.next().finally(() => clearTimeout(timer));
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value as Buffer));
      },
      // A handler that stops reading (a refusal) leaves the rest unread: the listener closes the
      // connection after the answer, so nothing is destroyed here before the answer is written.
    },
    { highWaterMark: 1 },
  );
}

/**
 * The request's own host for its URL (APIs answer links to themselves), when it is a plain
 * host[:port]; anything else becomes "console". Never trusted for a security decision: the
 * origin check compares the Origin header with the configured origins.
 */
function hostOf(req: http.IncomingMessage): string {
  const host = req.headers.host ?? "";
  return /^[a-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9a-f:.]{2,45}\](:\d{1,5})?$/i.test(host) ? host : "console";
}

export function toWebRequest(req: http.IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  // An absolute-form target ("GET http://x/api/user") keeps only its path and query.
  const target = new URL(req.url ?? "/", "https://console");
  return new Request(`https://${hostOf(req)}${target.pathname}${target.search}`, {
    method,
    headers,
    ...(hasBody ? { body: pullBody(req), duplex: "half" } : {}),
  } as RequestInit);
}

export async function writeWebResponse(res: http.ServerResponse, answer: Response): Promise<void> {
  // The same security headers Next adds to its own answers (next.config.js).
  const headers: Record<string, string | string[]> = Object.fromEntries(SECURITY_HEADERS.map((h) => [h.key.toLowerCase(), h.value]));
  answer.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // Each cookie its own header: the loop above keeps only the last Set-Cookie (Avi's /login sets two).
  if (answer.headers.getSetCookie().length) headers["set-cookie"] = answer.headers.getSetCookie();
  if (!answer.body) {
    res.writeHead(answer.status, headers);
    return void res.end();
  }
  if (isJson(answer)) {
    // API answers are small and whole already: one write with its length, no stream machinery
    // per request (bench: rest_list_rps_ratio). Downloads (a backup) stream below.
    const body = Buffer.from(await answer.arrayBuffer());
    headers["content-length"] = String(body.length);
    res.writeHead(answer.status, headers);
    return void res.end(body);
  }
  res.writeHead(answer.status, headers);
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(answer.body as import("node:stream/web").ReadableStream)
      .on("error", reject)
      .pipe(res)
      .on("finish", resolve)
      .on("error", reject);
  });
}

function isJson(answer: Response): boolean {
  return answer.headers.get("content-type")?.split(";")[0]?.trim() === "application/json";
}

/** Serves `req` with the handler the router picks for it, if any; false leaves it to Next. */
export function serveWebRoute(route: WebRouter, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const pathname = new URL(req.url ?? "/", "https://console").pathname;
  const handler = route(req.method ?? "GET", pathname);
  if (!handler) return false;
  handler(toWebRequest(req))
    .then((answer) => writeWebResponse(res, answer))
    .catch((error: unknown) => {
      const { status, body } = errorEnvelope(error);
      if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  return true;
}
