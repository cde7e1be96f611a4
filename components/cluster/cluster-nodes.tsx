"use client";

import { useQuery } from "@tanstack/react-query";
import { NODE_STATE_LABELS } from "@/lib/schemas/cluster";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";

const BADGE: Record<string, string> = { up: "success", down: "failure" };
/** As often as nodes write their heartbeat. */
const REFRESH_MS = 3_000;

export function ClusterNodes() {
  const trpc = useTRPC();
  const nodes = useQuery({ ...trpc.cluster.nodes.queryOptions(), refetchInterval: REFRESH_MS });
  if (nodes.error) return <FormError message={describeError(nodes.error).message} />;
  if (!nodes.data) return <p>Loading…</p>;
  return (
    <>
      <p className="hint">
        Console nodes sharing this database. A node is down when it has missed three heartbeats; the service
        engines it hosts keep their last state until it is back. Each node is its own HSM client.
      </p>
      <table aria-label="Console nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>State</th>
            <th>Address</th>
            <th>Version</th>
            <th>Started</th>
            <th>HSM client</th>
            <th>Service engines</th>
          </tr>
        </thead>
        <tbody>
          {nodes.data.map((n) => (
            <tr key={n.name}>
              <td>
                {n.name}
                {n.self && <div className="hint">this node</div>}
              </td>
              <td>
                <span className={`badge ${BADGE[n.state] ?? ""}`}>{NODE_STATE_LABELS[n.state]}</span>
                <div className="hint">heartbeat {n.secondsSinceHeartbeat} s ago</div>
              </td>
              <td>{n.address}</td>
              <td>{n.version}</td>
              <td>{new Date(n.startedAt).toLocaleString()}</td>
              <td>
                {n.hsmClientName} ({n.hsmClientIp})
              </td>
              <td>{n.serviceEngines.map((se) => `${se.name} (${se.state})`).join(", ") || "none"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
