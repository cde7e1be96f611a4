"use client";

import { useMutation } from "@tanstack/react-query";
import { STAGE_LABELS } from "@/lib/schemas/hsm-group-actions";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { StageBadge } from "./stage-badge";

/** "Test connection": every stage per server with its result and time; pending state while the HSMs answer. */
export function TestConnectionPanel({ id }: { id: string }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.hsmGroupActions.testConnection.mutationOptions());
  const result = test.data;
  return (
    <section className="panel" aria-label="Test connection">
      <h2>Test connection</h2>
      <p className="hint">
        From this console node to every HSM server: reach, handshake, C_Initialize, token present, login with
        the partition password (tried once), and a test signature with the health-check key.
      </p>
      <div className="actions">
        <button type="button" disabled={test.isPending} onClick={() => test.mutate({ id })}>
          {test.isPending ? "Testing connection…" : "Test connection"}
        </button>
        {result && (
          <span className={result.ok ? "badge success" : "badge failure"}>
            {result.ok ? "All stages OK" : "A stage failed"} (node {result.node})
          </span>
        )}
      </div>
      <FormError message={test.error ? describeError(test.error).message : null} />
      {result?.servers.map((server) => (
        <table key={server.serverId} aria-label={`Connection stages of ${server.server}`}>
          <caption>{server.server}</caption>
          <thead>
            <tr>
              <th>Stage</th>
              <th>Result</th>
              <th>Time (ms)</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {server.stages.map((s) => (
              <tr key={s.stage}>
                <td>{STAGE_LABELS[s.stage]}</td>
                <td>
                  <StageBadge status={s.status} />
                </td>
                <td>{s.ms === null ? "—" : s.ms}</td>
                <td>{s.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
