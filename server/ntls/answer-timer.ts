import type { Readable } from "node:stream";

/**
 * "A peer that never answers" for a request/response protocol (PKCS#11 RPC): the timer runs only
 * while a request is outstanding — from the first request bytes until the first answer bytes —
 * and fires if the answer does not come within `timeoutMs`. A link with nothing outstanding
 * is never cut for idleness: an nginx worker may sit idle for hours and must keep its session
 * (TCP keepalive detects a peer that died meanwhile).
 */
export function watchAnswers(
  requests: Readable,
  answers: Readable,
  timeoutMs: number,
  onTimeout: () => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const onRequest = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      onTimeout();
    }, timeoutMs);
  };
  requests.on("data", onRequest);
  answers.on("data", clear);
  return () => {
    clear();
    requests.off("data", onRequest);
    answers.off("data", clear);
  };
}
