"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";

/** Measured per member when the list is shown, then every 30 s; each group loads on its own. */
export function HsmGroupHealth({ groupId }: { groupId: string }) {
  const trpc = useTRPC();
  const health = useQuery({
    ...trpc.hsmGroupActions.health.queryOptions({ id: groupId }),
    refetchInterval: 30_000,
  });
  if (health.isError) return <span className="badge failure">{describeError(health.error).message}</span>;
  if (!health.data) return <span className="hint">Measuring…</span>;
  return (
    <ul className="health" aria-label="Member health">
      {health.data.members.map((m) => (
        <li key={m.server}>
          <span className={`badge ${m.reachable ? "success" : "failure"}`}>
            {m.reachable ? "reachable" : "unreachable"}
          </span>{" "}
          {m.server}
          {m.reachable && (
            <span className="hint">
              {" "}
              · {m.loggedIn ? "logged in" : "not logged in"} · {m.latencyMs} ms
            </span>
          )}
          {m.lastError && <div className="hint">{m.lastError}</div>}
        </li>
      ))}
    </ul>
  );
}
