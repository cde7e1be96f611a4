import type { HsmHealthPicture } from "@/lib/schemas/hsm-health";

/** The group's PKCS#11 worker processes on this console node, with their sessions and last error. */
export function WorkersTable({ workers }: { workers: HsmHealthPicture["workers"] }) {
  return (
    <section className="panel" aria-label="Workers and sessions">
      <h2>Workers and sessions (this console node)</h2>
      {workers.length === 0 ? (
        <p className="hint">No worker process for this group yet: one starts with the first HSM operation.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">State</th>
              <th scope="col">Starts</th>
              <th scope="col">In flight</th>
              <th scope="col">Sessions (open / idle)</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.connection}>
                <td>{w.connection}</td>
                <td>
                  <span className={`badge ${w.running ? "success" : ""}`}>
                    {w.running ? `running (pid ${w.pid})` : "stopped"}
                  </span>
                </td>
                <td>{w.starts}</td>
                <td>{w.inFlight}</td>
                <td>
                  {w.sessions.length === 0
                    ? "—"
                    : w.sessions.map((s) => `${s.partition}: ${s.open} / ${s.idle}`).join(", ")}
                </td>
                <td>{w.lastError ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
