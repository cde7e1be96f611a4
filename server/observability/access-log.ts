import type http from "node:http";
import { PEER_HEADER } from "@/server/http/peer-address";
import { logger } from "./logger";
import { requestIdFrom, runWithRequest } from "./request-context";

export const REQUEST_ID_HEADER = "x-request-id";

/** Probes poll often: their lines are written at debug level. */
const PROBES = new Set(["/healthz", "/readyz"]);

/**
 * Runs `serve` inside the request's context: its id (the client's `x-request-id` when sane, else
 * a new one) is answered back and carried by every log line written while the request is served.
 * One access line when the answer is sent or the client goes away. Only the path is logged, never
 * the query (it may carry secrets) nor any body.
 */
export function observeRequest(req: http.IncomingMessage, res: http.ServerResponse, serve: () => void): void {
  const started = performance.now();
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  req.headers[REQUEST_ID_HEADER] = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  let logged = false;
  const line = () => {
    if (logged) return;
    logged = true;
    const path = (req.url ?? "/").split("?")[0]!;
    const fields = {
      msg: "request",
      requestId,
      method: req.method,
      path,
      status: res.writableFinished ? res.statusCode : 499,
      ms: Math.round((performance.now() - started) * 10) / 10,
      client: req.headers[PEER_HEADER] ?? req.socket.remoteAddress,
    };
    if (PROBES.has(path)) logger().debug(fields);
    else logger().info(fields);
  };
  res.once("finish", line);
  res.once("close", line);
  runWithRequest({ requestId }, serve);
}
