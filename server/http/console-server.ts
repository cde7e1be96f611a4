import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { observeRequest } from "@/server/observability/access-log";
import { bodyCap, prefersConnectionClose, tooLarge } from "./body-limit";
import { errorEnvelope } from "./error-response";
import { allowedOrigins } from "./origins";
import { PEER_HEADER, peerAddress } from "./peer-address";
import { serveWebRoute, type WebRouter } from "./web-bridge";

export type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface ConsoleServerOptions {
  certPem: string;
  keyPem: string;
  trustProxy: boolean;
  handle: NodeHandler;
  /** Requests served here with Web Request/Response (pulled body) instead of by Next: uploads, REST. */
  webRoutes?: WebRouter;
}

/** Browsers remember for a year to use HTTPS only. */
export const HSTS = "max-age=31536000";
const FIRST_BYTE_TIMEOUT_MS = 10_000;
/**
 * Node's default 300 s cap on receiving a whole request cut 250 MB package uploads on a slow link
 * (408). Uploads (web routes) instead time out when no byte arrives for a while (web-bridge.ts);
 * every other request is closed after this long without socket activity, while it is served.
 */
const SILENT_REQUEST_MS = 300_000;
const TIMEOUTS = { requestTimeout: 0, headersTimeout: 60_000 } as const;
/** How long a refused body may keep arriving after the answer before the connection is cut. */
const LINGER_MS = 2_000;
/** The first byte of every TLS connection is a handshake record; HTTP starts with a method's letter. */
const TLS_HANDSHAKE = 0x16;

/**
 * The console's listener: HTTPS, and plain HTTP on the same port answered only with a redirect
 * to HTTPS (told apart by the connection's first byte). Every request gets the peer address from
 * the socket; forwarded headers survive only when a proxy is trusted. A response sent before the
 * request body was read (a refused body) closes the connection, so the unread rest never blocks
 * the next request.
 */
export interface ConsoleServer {
  listener: net.Server;
  /** Stops accepting, closes idle keep-alive connections, calls back when the last one ends. */
  close(done?: () => void): void;
}

type Serve = (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean) => void;

const destroyOnTimeout = new WeakSet<net.Socket>();

/**
 * Drops a request whose socket stays silent for SILENT_REQUEST_MS. A keep-alive socket carries many
 * requests: it gets one "timeout" listener for its life (one per request would pile up), and each
 * request re-arms the timer.
 */
function armSilenceTimeout(socket: net.Socket): void {
  if (!destroyOnTimeout.has(socket)) {
    destroyOnTimeout.add(socket);
    socket.on("timeout", () => socket.destroy());
  }
  socket.setTimeout(SILENT_REQUEST_MS);
}

/** What every request goes through, on the public listener and behind the HSM-keyed front alike. */
function requestPipeline(
  options: Pick<ConsoleServerOptions, "handle" | "webRoutes">,
  trustProxy: boolean,
): Serve {
  return (req, res, expectsContinue) =>
    observeRequest(req, res, () => {
      prepare(req, res, trustProxy);
      res.setHeader("strict-transport-security", HSTS);
      if (refuseDeclaredSize(req, res)) return;
      // "Expect: 100-continue" is answered only once the declared size is known to be acceptable.
      if (expectsContinue) res.writeContinue();
      if (options.webRoutes && serveWebRoute(options.webRoutes, req, res)) return;
      armSilenceTimeout(req.socket);
      res.on("finish", () => req.socket.setTimeout(0));
      options.handle(req, res);
    });
}

export function createConsoleServer(options: ConsoleServerOptions): ConsoleServer {
  const serve = requestPipeline(options, options.trustProxy);
  const secure = https.createServer({ cert: options.certPem, key: options.keyPem, ...TIMEOUTS }, (req, res) =>
    serve(req, res, false),
  );
  secure.on("checkContinue", (req, res) => serve(req, res, true));
  const plain = http.createServer((req, res) => redirectToHttps(req, res));
  // The inner servers never listen themselves: "listening" starts their connection tracking
  // (header and request timeouts, closing idle connections).
  for (const inner of [secure, plain]) inner.emit("listening");
  // Nagle off, as node:http does for its own sockets: with it, a TLS answer written in pieces waits
  // for the client's delayed ACK (about 40 ms a request on a keep-alive connection).
  const listener = net.createServer({ noDelay: true }, (socket) => {
    const firstByteTimeout = () => socket.destroy();
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, firstByteTimeout);
    socket.once("data", (first: Buffer) => {
      socket.setTimeout(0);
      socket.off("timeout", firstByteTimeout);
      socket.pause();
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? secure : plain).emit("connection", socket);
      process.nextTick(() => socket.resume());
    });
    socket.on("error", () => socket.destroy());
  });
  return {
    listener,
    close(done) {
      listener.close(() => done?.());
      for (const inner of [secure, plain]) inner.close();
    },
  };
}

/**
 * The listener behind the console's HSM-keyed front (server/http/console-front.ts): plain HTTP on
 * a loopback port, answering only requests that carry the front's secret header, whose forwarded
 * headers (set by the front, last X-Forwarded-For entry = the real client) are then believed.
 * Anything else on the machine that connects to the port directly is refused.
 */
export function createFrontedServer(
  options: Pick<ConsoleServerOptions, "handle" | "webRoutes"> & { secretHeader: string; secret: string },
): http.Server {
  const serve = requestPipeline(options, true);
  const expected = Buffer.from(options.secret);
  const admit = (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean) => {
    const given = Buffer.from(String(req.headers[options.secretHeader] ?? ""));
    delete req.headers[options.secretHeader];
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(403, { "content-type": "text/plain", connection: "close" });
      return void res.end("Use the console's HTTPS address.\n");
    }
    serve(req, res, expectsContinue);
  };
  const server = http.createServer(TIMEOUTS, (req, res) => admit(req, res, false));
  server.on("checkContinue", (req, res) => admit(req, res, true));
  return server;
}

function prepare(req: http.IncomingMessage, res: http.ServerResponse, trustProxy: boolean): void {
  req.headers[PEER_HEADER] = peerAddress(req.headers, req.socket.remoteAddress, trustProxy);
  if (!trustProxy) {
    // Next believes X-Forwarded-Proto/-Host/-Port; only a trusted proxy may set them.
    for (const name of Object.keys(req.headers))
      if (name.startsWith("x-forwarded-")) delete req.headers[name];
  }
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    if (prefersConnectionClose(req)) {
      this.setHeader("connection", "close");
      lingerOnClose(req.socket);
    }
    return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}

/**
 * Node closes a "Connection: close" socket as soon as the answer is flushed; with body bytes still
 * arriving, the kernel then resets the connection, and a reset can discard the answer before the
 * client reads it. Instead: half-close after the answer, keep reading (and discarding) what the
 * client still sends for a moment, then close.
 */
function lingerOnClose(socket: net.Socket): void {
  socket.destroySoon = function (this: net.Socket) {
    this.end();
    this.on("end", () => this.destroy());
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}

/** A Content-Length above the path's cap: 413 before any handler, authentication or byte of body. */
function refuseDeclaredSize(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const cap = bodyCap(new URL(req.url ?? "/", "https://console").pathname);
  const declared = Number(req.headers["content-length"] ?? "NaN");
  if (!Number.isFinite(declared) || declared <= cap) return false;
  const { status, body } = errorEnvelope(tooLarge(cap));
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(body);
  return true;
}

/**
 * Plain HTTP: a redirect and nothing else (no cookie or body is ever read over it). The target
 * host is the one asked for only when it is one the console serves on.
 */
function redirectToHttps(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origins = allowedOrigins();
  const asked = `https://${(req.headers.host ?? "").toLowerCase()}`;
  const target = origins.has(asked) ? asked : [...origins][0]!;
  const path = (req.url ?? "/").startsWith("/") ? (req.url ?? "/") : "/";
  res.writeHead(308, { location: `${target}${path}`, connection: "close", "content-length": "0" });
  res.end();
}
